package yamlvalue

import "github.com/gansible/gansible/value"

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
	jsonErr, ok := value.JSONStartError(string(data))
	if !ok {
		return yamlPart
	}
	return "We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: " + jsonErr + "\n\n" + yamlPart
}
