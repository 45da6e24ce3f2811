from zarrphase.cli import main

raise SystemExit(main())
