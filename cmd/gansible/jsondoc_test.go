package main

import (
	"fmt"

	"github.com/gansible/gansible/value"
)

// normalizeJSONDoc rewrites the json callback's document so that two
// runs compare equal: clock times become @TIME@, play and task ids
// @ID1@, @ID2@... in order of appearance, and the modules' invocation
// (their arguments after Ansible's argument spec filled in every default)
// is left out. Anything that is not one JSON document is kept as it is.
func normalizeJSONDoc(b []byte) []byte {
	doc, err := value.DecodeJSON(b)
	if err != nil {
		return b
	}
	ids := map[string]string{}
	var walk func(v any, key string) any
	walk = func(v any, key string) any {
		switch x := v.(type) {
		case *value.Dict:
			out := value.NewDict(x.Len())
			for k, e := range x.All() {
				switch {
				case k == "invocation":
					continue
				case k == "start" || k == "end" || k == "delta":
					if _, ok := e.(string); ok {
						e = "@TIME@"
					}
				case k == "id" && (key == "play" || key == "task"):
					s := fmt.Sprint(e)
					if _, ok := ids[s]; !ok {
						ids[s] = fmt.Sprintf("@ID%d@", len(ids)+1)
					}
					e = ids[s]
				default:
					e = walk(e, k)
				}
				out.Set(k, e)
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = walk(e, key)
			}
			return out
		}
		return v
	}
	text, err := value.JSON(walk(doc, ""), value.JSONOptions{Indent: 4, SortKeys: true, ASCII: true})
	if err != nil {
		return b
	}
	return []byte(text + "\n")
}
