package listing

import "github.com/gansible/gansible/value"

// JSON formats v as ansible-inventory does: Python's json.dumps(v,
// sort_keys=True, indent=4, ensure_ascii=False), so ", " never appears,
// items end in "," and keys are followed by ": ".
func JSON(v any) (string, error) {
	return value.JSON(v, value.JSONOptions{Indent: 4, SortKeys: true})
}
