"""run.py: run one test file of the zeropix Python binding under unittest,
as CTest does: exit 0 when it passes, 1 when it fails, 77 (skipped) when
the build says the tests cannot run here (ZEROPIX_TEST_SKIP)."""
import os
import sys
import unittest

def main():
    reason = os.environ.get("ZEROPIX_TEST_SKIP")
    if reason:
        print("skipped:", reason)
        return 77
    path = os.path.abspath(sys.argv[1])
    sys.path.insert(0, os.path.dirname(path))
    name = os.path.splitext(os.path.basename(path))[0]
    suite = unittest.defaultTestLoader.loadTestsFromName(name)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1

if __name__ == "__main__":
    sys.exit(main())
