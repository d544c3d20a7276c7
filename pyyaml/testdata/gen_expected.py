#!/usr/bin/python3
"""Writes expected.json: yaml.dump of every case in cases.json, as Ansible
calls it (Dumper=AnsibleDumper, which is CSafeDumper with libyaml).

Regenerate with the reference ansible-core installed:
    cd pyyaml/testdata && /usr/bin/python3 gen_expected.py
Each case is {"v": value, "o": {yaml.dump keyword arguments}}; "literal":
true in "o" represents every string holding a line break in literal style
('|'), as a representer asking for it (the yaml callback) does; "alias":
true dumps [v, {"k": v}, v] with the one object v three times (anchors);
"vault": true dumps [x, {"k": x}] where x is a vaulted value whose vaulted
text is v.
"""
import json
import yaml
from ansible.parsing.yaml.dumper import AnsibleDumper
from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode


class LiteralDumper(AnsibleDumper):
    def represent_scalar(self, tag, value, style=None):
        if style is None and '\n' in value:
            style = '|'
        return super().represent_scalar(tag, value, style)


with open('cases.json', encoding='utf-8') as f:
    cases = json.load(f)
out = []
for c in cases:
    kw = dict(c.get('o', {}))
    dumper = LiteralDumper if kw.pop('literal', False) else AnsibleDumper
    v = c['v']
    if kw.pop('vault', False):
        x = AnsibleVaultEncryptedUnicode(v.encode())
        v = [x, {'k': x}]
    if kw.pop('alias', False):
        v = [v, {'k': v}, v]
    out.append(yaml.dump(v, Dumper=dumper, **kw))
with open('expected.json', 'w', encoding='utf-8') as f:
    json.dump(out, f, ensure_ascii=False, indent=0)
    f.write('\n')
