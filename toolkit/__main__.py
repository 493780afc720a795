"""`python -m toolkit`: the same command line as `toolkit`."""

import sys

from toolkit.cli import main

sys.exit(main())
