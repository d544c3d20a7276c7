#!/usr/bin/python3
"""Print, as JSON, what ansible-core makes of an inventory.

Usage: ansible_facts.py CASE_DIR

CASE_DIR holds "sources" (one -i source per line, relative to CASE_DIR),
optionally "playbook_dir" and "patterns" (one host pattern per line).
The output is the golden data the Go tests compare against.
"""
import json
import os
import sys

from ansible import context
from ansible.errors import AnsibleError
from ansible.inventory.manager import InventoryManager
from ansible.module_utils.common.collections import ImmutableDict
from ansible.parsing.dataloader import DataLoader
from ansible.vars.manager import VariableManager

MAGIC = {
    'ansible_check_mode', 'ansible_config_file', 'ansible_diff_mode', 'ansible_facts',
    'ansible_forks', 'ansible_inventory_sources', 'ansible_playbook_python',
    'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version',
    'groups', 'omit', 'playbook_dir', 'ansible_limit', 'ansible_search_path',
    'hostvars', 'ansible_python_interpreter',
}


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]


def main(case):
    context.CLIARGS = ImmutableDict(connection='local', module_path=None, forks=5, become=False,
                                    become_method='sudo', become_user=None, check=False, diff=False,
                                    verbosity=0)
    sources = []
    for s in read_lines(os.path.join(case, 'sources')):
        if ',' in s and not os.path.exists(os.path.join(case, s)):
            sources.append(s)
        else:
            sources.append(os.path.join(case, s))
    loader = DataLoader()
    pb = read_lines(os.path.join(case, 'playbook_dir'))
    if pb:
        loader.set_basedir(os.path.join(case, pb[0]))
    inv = InventoryManager(loader=loader, sources=sources)
    vm = VariableManager(loader=loader, inventory=inv)

    out = {'hosts': {'all': [h.name for h in inv.get_hosts('all')]}, 'patterns': {}}
    for p in read_lines(os.path.join(case, 'patterns')):
        inv.clear_pattern_cache()
        try:
            out['patterns'][p] = [h.name for h in inv.get_hosts(p)]
        except AnsibleError as e:
            out['patterns'][p] = 'ERROR: ' + str(e)
    out['groups'] = inv.get_groups_dict()
    out['group_names'] = {}
    out['hostvars'] = {}
    for h in inv.get_hosts('all'):
        v = vm.get_vars(host=h, include_hostvars=False)
        out['group_names'][h.name] = v['group_names']
        out['hostvars'][h.name] = {k: v[k] for k in v if k not in MAGIC}
    root = os.path.abspath(case) + '/'
    text = json.dumps(out, indent=1, sort_keys=True, default=str)
    print(text.replace(root, '@CASE@/').replace(root[:-1], '@CASE@'))


if __name__ == '__main__':
    main(sys.argv[1])
