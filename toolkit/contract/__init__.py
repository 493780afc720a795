"""The table contract: schemas, identifiers, spans and validation.

Reads schemas/<table>.yaml into polars and pandera schemas and says which module fills each column
(`schema`), makes stable ids (`ids`), slices and checks character spans (`spans`), and judges frames
and built dataset folders (`validate`, with `precheck` as its one-pass fast path).

Fills rows of rejects: every row or table that breaks a rule of the contract.
"""
