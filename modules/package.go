package modules

import (
	"strings"

	"github.com/gansible/gansible/modules/argspec"
)

func init() { Register("package", packageModule{}) }

// packageModule is Ansible's package action: it runs the module of the
// host's package manager (the pkg_mgr fact, found as setup finds it:
// apt on Debian, dnf on EL 8) with the task's arguments, less use.
type packageModule struct{}

// packageBackends are the package managers gansible has a module for.
var packageBackends = map[string]Module{
	"apt": aptModule{},
	"dnf": yumModule{dnfArgSpec},
	"yum": yumModule{dnfArgSpec},
}

// packageArgSpec is the package action's own parameters; the others go
// to the backend, which checks them.
var packageArgSpec = &argspec.Spec{
	Module: "ansible.legacy.package",
	Params: []argspec.Param{
		{Name: "name", Type: argspec.List, Elements: argspec.Str},
		{Name: "state"},
		{Name: "use", Default: "auto", ActionOnly: true},
	},
	PassThrough: true,
}

func (packageModule) Spec() *argspec.Spec { return packageArgSpec }

// packageMgrProbe records the release files and package tools that the
// pkg_mgr fact is computed from (the same as setup's).
const packageMgrProbe = `for kf in os_release:/etc/os-release redhat_release:/etc/redhat-release centos_release:/etc/centos-release debian_version:/etc/debian_version; do
	f=${kf#*:}
	[ -r "$f" ] && rec "${kf%%:*}" "$(cat "$f")"
done
present=
for p in /run/ostree-booted /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge; do
	[ -e "$p" ] && present="$present$p$rec_nl"
done
rec present "$present"
`

func (packageModule) Run(c *Context, args Args) (*Result, error) {
	use := args.String("use")
	if use == "" || use == "auto" {
		res, err := c.Run(recordFuncs+packageMgrProbe, nil)
		if err != nil {
			return nil, err
		}
		rec := parseRecords(string(res.Stdout))
		use = pkgMgr(lineSet(rec["present"]), distributionFacts(rec))
	}
	use = strings.TrimPrefix(strings.TrimPrefix(use, "ansible.builtin."), "ansible.legacy.")
	backend, ok := packageBackends[use]
	if !ok {
		switch {
		case use == "unknown":
			return Failf("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option."), nil
		case KnownToAnsible(use):
			return Failf("package: the %s module is not supported by gansible (apt, dnf and yum are)", use), nil
		}
		return Failf("Could not find a module for %s.", use), nil
	}
	backendArgs := Args{}
	for k, v := range args {
		if k != "use" {
			backendArgs[k] = v
		}
	}
	checked, _, err := Check("ansible.legacy."+use, backend, backendArgs)
	if err != nil {
		return Failf("%v", err), nil
	}
	return backend.Run(c, checked)
}
