# Records ansible-core's extended error text for positions in tasks.yml:
#   /usr/bin/python3 gen.py > cases.json   (run in this directory)
import json, os
from ansible.errors import AnsibleError
from ansible.parsing.yaml.objects import AnsibleUnicode

path = os.path.abspath("tasks.yml")
cases = []
for line, col in [(3, 7), (4, 7), (5, 7), (6, 7), (8, 7), (9, 7), (10, 5), (11, 7), (12, 7), (13, 12), (14, 2), (1, 3), (40, 1)]:
    obj = AnsibleUnicode("x")
    obj.ansible_pos = (path, line, col)
    text = AnsibleError("msg", obj=obj).message
    cases.append({"line": line, "col": col, "want": text[len("msg\n\n"):].replace(path, "@FILE@")})
print(json.dumps(cases, indent=1))
