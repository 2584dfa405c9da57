import sys

from cfanalysis.cli import main

sys.exit(main())
