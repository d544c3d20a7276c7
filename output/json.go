package output

import (
	"fmt"

	"github.com/gansible/gansible/value"
)

// JSON formats v as Python's json.dumps(v, sort_keys=True, ensure_ascii=False)
// does, which is what Ansible prints after "=>": ", " and ": " separators on
// one line, or one item a line indented by indent spaces when indent > 0.
func JSON(v any, indent int) string {
	s, err := value.JSON(v, value.JSONOptions{Indent: indent, SortKeys: true, Default: goValue})
	if err != nil {
		// Only a value goValue cannot convert either: print what it is
		// rather than lose the line.
		s, _ = value.JSON(fmt.Sprint(v), value.JSONOptions{})
	}
	return s
}

// goValue converts other Go values (structs, typed slices) to data, as
// Ansible's encoder turns objects into JSON; failing that, their text.
func goValue(v any) (any, error) {
	if d, err := value.FromGo(v); err == nil {
		return d, nil
	}
	return fmt.Sprint(v), nil
}
