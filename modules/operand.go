package modules

import "strings"

// operandPath returns p so that no command reads it as an option: a
// relative path that starts with "-" gets a "./" prefix, which names the
// same file. It is for the tools that have no "--" to end their options,
// or whose operands are read as expressions (find), or that take a path
// as the value of an option (tar -C, unzip -d).
func operandPath(p string) string {
	if strings.HasPrefix(p, "-") {
		return "./" + p
	}
	return p
}
