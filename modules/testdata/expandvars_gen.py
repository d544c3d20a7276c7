#!/usr/bin/python3
"""Records in expandvars_cases.yaml what ansible-core's command module
makes of each argument: os.path.expanduser(os.path.expandvars(arg)) in
the module's environment (module_utils/basic.py, run_command). Run with
the Python that runs Ansible's modules:

    /usr/bin/python3 testdata/expandvars_gen.py

Home directories from the password database are written as
@PWHOME:user@ (@PWHOME@ for the current user) so that the cases do not
depend on the machine."""
import os
import pwd
import sys

import yaml

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expandvars_cases.yaml")
with open(path) as f:
    doc = yaml.safe_load(f)

def marked(got, home, mark):
    if got == home or got.startswith(home.rstrip("/") + "/"):
        return mark + got[len(home.rstrip("/")):]
    return got


saved = dict(os.environ)
for case in doc["cases"]:
    env = doc["environments"][case.get("env", "standard")]
    os.environ.clear()
    os.environ.update(env)
    got = os.path.expanduser(os.path.expandvars(case["arg"]))
    os.environ.clear()
    os.environ.update(saved)
    arg = case["arg"]
    if arg.startswith("~") and not arg.startswith("~/") and arg != "~":
        user = arg[1:].split("/")[0]
        try:
            got = marked(got, pwd.getpwnam(user).pw_dir, "@PWHOME:%s@" % user)
        except KeyError:
            pass
    elif case.get("env") == "nohome" and arg.startswith("~"):
        got = marked(got, pwd.getpwuid(os.getuid()).pw_dir, "@PWHOME@")
    case["want"] = got

header = "".join(l for l in open(path) if l.startswith("#"))
with open(path, "w") as f:
    f.write(header)
    yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True, width=1000)
