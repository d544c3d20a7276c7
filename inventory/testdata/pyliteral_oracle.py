#!/usr/bin/python3
"""Print "input<TAB>json" for each line of pyliteral_inputs.txt, evaluated
as ansible-core's INI inventory plugin evaluates values."""
import json
import sys
from ansible.plugins.inventory.ini import InventoryModule

for line in open(sys.argv[1]):
    s = line.rstrip('\n')
    v = InventoryModule._parse_value(s)
    if isinstance(v, (set, tuple)):
        v = list(v)
    print('%s\t%s' % (s, json.dumps(v, sort_keys=True)))
