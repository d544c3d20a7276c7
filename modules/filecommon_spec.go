package modules

import "github.com/gansible/gansible/modules/argspec"

// fileAttrSpec is Ansible's add_file_common_args as argspec parameters,
// appended to a file module's own. Owner, group and mode are managed;
// SELinux contexts and chattr attributes are refused, since gansible does
// not manage them; unsafe_writes only allows a non-atomic fallback that
// gansible never takes, so it is accepted and has no effect.
func fileAttrSpec(own ...argspec.Param) []argspec.Param {
	const selinux = "SELinux contexts are not managed"
	return append(own,
		argspec.Param{Name: "mode", Type: argspec.Raw},
		argspec.Param{Name: "owner"},
		argspec.Param{Name: "group"},
		argspec.Param{Name: "seuser", Unsupported: selinux},
		argspec.Param{Name: "serole", Unsupported: selinux},
		argspec.Param{Name: "setype", Unsupported: selinux},
		argspec.Param{Name: "selevel", Unsupported: selinux},
		argspec.Param{Name: "attributes", Aliases: []string{"attr"}, Unsupported: "chattr attributes are not managed"},
		argspec.Param{Name: "unsafe_writes", Type: argspec.Bool, Default: false},
	)
}
