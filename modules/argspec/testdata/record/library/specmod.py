#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
def main():
    m = AnsibleModule(argument_spec=dict(
        path=dict(type='path', required=True, aliases=['dest', 'name']),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        force=dict(type='bool', default=False),
        mode=dict(type='raw'),
        size=dict(type='int'),
        ratio=dict(type='float'),
        groups=dict(type='list', elements='str', choices=['a', 'b', 'c']),
        ports=dict(type='list', elements='int'),
        opts=dict(type='dict'),
        data=dict(type='jsonarg'),
        limit=dict(type='bytes'),
        content=dict(type='str'),
        src=dict(type='str'),
        owner=dict(type='str'),
        group=dict(type='str'),
        secret=dict(type='str', no_log=True),
        answer=dict(type='str', choices=['yes', 'no', 'maybe']),
        one=dict(type='str'), two=dict(type='str'),
    ),
    mutually_exclusive=[['content', 'src'], ['one', 'two']],
    required_together=[['owner', 'group']],
    required_one_of=[['path', 'content']],
    required_if=[['state', 'absent', ['force', 'size']], ['force', True, ['ratio', 'limit'], True]],
    required_by={'secret': ['owner', 'mode']},
    )
    m.exit_json(changed=False, params={k: v for k, v in m.params.items() if v is not None})
main()
