package yamlvalue

import "github.com/gansible/gansible/value"

// loadErrorMessage is ansible-core's message for a file its loader could
// read neither as JSON, which it tries first, nor as YAML: Python's JSON
// error, then the YAML problem. Text that is JSON to Python but not YAML
// gets the YAML problem alone, as does data nil (not a file the loader
// reads).
func loadErrorMessage(data []byte, problem string) string {
	yamlPart := "Syntax Error while loading YAML.\n  " + problem
	if data == nil {
		return "Syntax Error while loading YAML: " + problem
	}
	jsonErr, ok := value.PyJSONError(string(data))
	if !ok {
		return yamlPart
	}
	return "We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: " + jsonErr + "\n\n" + yamlPart
}
