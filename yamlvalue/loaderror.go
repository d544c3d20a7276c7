package yamlvalue

import (
	"fmt"
	"strings"
)

// loadErrorMessage is ansible-core's message for a file its loader could
// read neither as JSON, which it tries first, nor as YAML. Python's JSON
// error is given where it is certain: the text does not start with a
// JSON value, which is every YAML file that is not also nearly JSON. For
// the others (a flow mapping or sequence first) only the YAML problem is
// given, as gansible does not reproduce Python's JSON parser. With data
// nil (not a file the loader reads), it is the YAML problem alone.
func loadErrorMessage(data []byte, problem string) string {
	yamlPart := "Syntax Error while loading YAML.\n  " + problem
	if data == nil {
		return "Syntax Error while loading YAML: " + problem
	}
	jsonErr, ok := jsonStartError(string(data))
	if !ok {
		return yamlPart
	}
	return "We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: " + jsonErr + "\n\n" + yamlPart
}

// jsonStartError is Python's json.loads error for text that does not
// start with a JSON value: "Expecting value" where the first non-blank
// character stands, with its line, column and character offset.
func jsonStartError(text string) (string, bool) {
	pos := 0
	for pos < len(text) && strings.IndexByte(" \t\n\r", text[pos]) >= 0 {
		pos++
	}
	rest := text[pos:]
	// A '-' starts a value only as a number's sign, which every YAML
	// list item's "- " is not.
	number := strings.TrimPrefix(rest, "-")
	if rest != "" && strings.IndexByte("\"{[0123456789", rest[0]) >= 0 ||
		number != rest && (number != "" && number[0] >= '0' && number[0] <= '9' || strings.HasPrefix(number, "Infinity")) {
		return "", false
	}
	for _, word := range []string{"null", "true", "false", "NaN", "Infinity"} {
		if strings.HasPrefix(rest, word) {
			return "", false
		}
	}
	line := 1 + strings.Count(text[:pos], "\n")
	col := pos + 1
	if nl := strings.LastIndexByte(text[:pos], '\n'); nl >= 0 {
		col = pos - nl
	}
	return fmt.Sprintf("Expecting value: line %d column %d (char %d)", line, col, pos), true
}
