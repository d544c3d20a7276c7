package inventory

import (
	"fmt"
	"os"
	"strings"
)

// ExpandLimitFiles replaces each @FILE term of a --limit pattern with the
// lines of FILE, as Ansible's subset does: a retry file written by a
// failed run limits the next run to the hosts it names.
func ExpandLimitFiles(limit string) (string, error) {
	if !strings.Contains(limit, "@") {
		return limit, nil
	}
	var terms []string
	for _, term := range splitPattern(limit) {
		if !strings.HasPrefix(term, "@") {
			terms = append(terms, term)
			continue
		}
		path := term[1:]
		// Ansible names the file as Python prints bytes: b'path'.
		shown := "b'" + path + "'"
		fi, err := os.Stat(path)
		switch {
		case err != nil:
			return "", fmt.Errorf("Unable to find limit file %s", shown)
		case fi.IsDir():
			return "", fmt.Errorf("Limit starting with \"@\" must be a file, not a directory: %s", shown)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("Unable to find limit file %s", shown)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				terms = append(terms, line)
			}
		}
	}
	return strings.Join(terms, ","), nil
}
