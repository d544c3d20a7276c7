package template

// Ansible 1.x spelled several tests as filters: "when: result|failed",
// "ansible_distribution_version | version_compare('12.04', '>=')". Later
// versions removed them; they are kept here for playbooks of that era.
func init() {
	for _, name := range []string{
		"failed", "success", "succeeded", "changed", "skipped",
		"version_compare", "match", "search", "regex", "issubset", "issuperset",
	} {
		test := name
		switch name {
		case "issubset":
			test = "subset"
		case "issuperset":
			test = "superset"
		}
		filters[name] = func(ev *evaluator, in any, a args) (any, error) {
			ok, err := tests[test](ev, in, a)
			return ok, err
		}
	}
}
