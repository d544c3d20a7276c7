# Writes keywords-2.14.txt, the keywords of ansible-core's playbook
# objects, which TestKeywordTableIsAnsibles compares the keyword table
# with: /usr/bin/python3 playbook/testdata/keywords.py > playbook/testdata/keywords-2.14.txt
import ansible
from ansible.playbook.play import Play
from ansible.playbook.block import Block
from ansible.playbook.task import Task
from ansible.playbook.handler import Handler
from ansible.playbook.role.include import RoleInclude

print("# ansible-core %s: the keywords of each playbook object (FieldAttributes)," % ansible.__version__)
print("# written by playbook/testdata/keywords.py; one line per object: level, then its keywords,")
print("# with '+' after a keyword that inherits (FieldAttribute, not NonInheritable).")
for level, cls in (("Play", Play), ("Block", Block), ("Task", Task), ("Handler", Handler), ("Role", RoleInclude)):
    words = []
    for k, v in sorted(cls.fattributes.items()):
        if k in ("loop_with", "async_val"):  # internal: with_<lookup>, async
            continue
        words.append(k + ("+" if type(v).__name__ != "NonInheritableFieldAttribute" else ""))
    print(level, " ".join(words))
