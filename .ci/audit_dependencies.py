"""Audit the installed (pinned) dependencies with pip-audit.

Fails the build on any known vulnerability. When the advisory data cannot be reached (no
network, or a package index mirror without PyPI's JSON API so that every package is
"not found"), it says so loudly and does not fail: an unreachable service is not a finding.
"""

import json
import subprocess
import sys


def main() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--local", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print("pip-audit: vulnerability service unreachable; NOT AUDITED", file=sys.stderr)
        print(result.stderr[-2000:], file=sys.stderr)
        return 0
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    if vulnerable:
        return 1
    if not audited:
        print(
            f"pip-audit: none of {len(dependencies)} packages could be looked up "
            "(advisory data unreachable from here); NOT AUDITED",
            file=sys.stderr,
        )
        return 0
    print(f"pip-audit: {len(audited)} packages audited, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
