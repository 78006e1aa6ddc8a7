# Annotated examples for the rules in docgates.yml, checked by `semgrep --test .semgrep/`.
# This file is never imported or run.
import builtins
import os
import subprocess
import sys

import httpx
import yaml

# ruleid: docgates-core-imports-no-framework
import mkdocs.plugins
# ruleid: docgates-core-imports-no-framework
from click import echo
# ruleid: docgates-core-imports-no-framework
import pytest
# ruleid: docgates-core-imports-no-framework
from properdocs.config import base
# ok: docgates-core-imports-no-framework
import markdown_it
# ok: docgates-core-imports-no-framework
import clickhouse

# ruleid: docgates-core-does-not-print
print("3 errors")
# ruleid: docgates-core-does-not-print
sys.stderr.write("warning\n")
# ok: docgates-core-does-not-print
report.findings.append(finding)

# ruleid: docgates-no-in-process-exec
exec(compile(source, "<docs>", "exec"))
# ruleid: docgates-no-in-process-exec
value = eval(expression)
# ruleid: docgates-no-in-process-exec
builtins.exec(code)
# ok: docgates-no-in-process-exec
code = compile(source, "docs/index.md", "exec")

# ruleid: docgates-no-shell
subprocess.run(f"python {path}", shell=True, check=True)
# ruleid: docgates-no-shell
os.system("mkdocs build")
# ok: docgates-no-shell
subprocess.run([sys.executable, str(path)], check=True)

# ruleid: docgates-yaml-never-constructs-python
config = yaml.load(text)
# ruleid: docgates-yaml-never-constructs-python
config = yaml.load(text, Loader=yaml.FullLoader)
# ruleid: docgates-yaml-never-constructs-python
config = yaml.unsafe_load(text)
# ok: docgates-yaml-never-constructs-python
config = yaml.safe_load(text)
# ok: docgates-yaml-never-constructs-python
node = yaml.compose(text, Loader=yaml.SafeLoader)

# ruleid: docgates-tls-verified
httpx.get(url, verify=False)
# ruleid: docgates-tls-verified
client = httpx.Client(timeout=10, verify=False)
# ok: docgates-tls-verified
client = httpx.Client(timeout=10)
