package output

import "github.com/gansible/gansible/textwrap"

// warningWidth is the width Ansible's display wraps warnings to when
// stdout is not a terminal (max(79, columns - 1)).
const warningWidth = 79

// Wrap is msg as Ansible's display.warning prints it: Python's
// textwrap.fill(msg, 79), with a final newline.
func Wrap(msg string) string {
	return textwrap.Fill(msg, warningWidth) + "\n"
}
