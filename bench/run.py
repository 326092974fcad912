"""Run every benchmark in bench/ (files named bench_*.py with a main()).

Each benchmark measures its design against a baseline side by side in the same run and
prints ratios; results are recorded by hand in docs/performance.md.
"""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionhome.config.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    selected = set(argv)
    failures = 0
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        if selected and path.stem not in selected:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {path.stem}", flush=True)
        # Each benchmark reads its own optional arguments from sys.argv: give it none.
        saved, sys.argv = sys.argv, [str(path)]
        try:
            module.main()
        except Exception as exc:  # one failing benchmark must not hide the others
            failures += 1
            print(f"!! {path.stem} failed: {exc!r}", flush=True)
        finally:
            sys.argv = saved
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
