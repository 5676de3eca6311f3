from regie.cli import main

raise SystemExit(main())
