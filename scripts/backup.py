"""`make backup` / `make restore`: see portal/backup.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.backup import main  # noqa: E402

if __name__ == "__main__":
    main()
