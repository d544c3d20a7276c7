package template

import (
	"fmt"
	"math"

	"github.com/jmespath/go-jmespath"

	"github.com/gansible/gansible/value"
)

// json_query (community.general's filter, which ansible-core 2.14 routes
// the bare name to): a JMESPath search with github.com/jmespath/go-jmespath.
func init() {
	filters["json_query"] = filterJSONQuery
}

func filterJSONQuery(_ *evaluator, in any, a args) (any, error) {
	expr, ok := a.at(0).(string)
	if !ok {
		return nil, fmt.Errorf("json_query: the query must be a string, got %s", pyType(a.at(0)))
	}
	q, err := jmespath.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("JMESPathError in json_query filter plugin:\n%v", err)
	}
	out, err := q.Search(toJMESPath(plain(in)))
	if err != nil {
		return nil, fmt.Errorf("JMESPathError in json_query filter plugin:\n%v", err)
	}
	return fromJMESPath(out), nil
}

// toJMESPath gives go-jmespath the JSON types it computes with: numbers
// are float64.
func toJMESPath(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case bool, string, float64, nil:
		return v
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toJMESPath(e)
		}
		return out
	case *dict:
		// The JMESPath library reads Go maps.
		out := make(map[string]any, x.Len())
		for k, e := range x.All() {
			out[k] = toJMESPath(e)
		}
		return out
	}
	if f, ok := value.Float(v); ok {
		return f
	}
	return str(v)
}

// fromJMESPath turns numbers back into ints where they are whole. Unlike
// Python's jmespath, which keeps the input's types, a float like 1.0 in the
// data comes back as 1.
func fromJMESPath(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x)
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromJMESPath(e)
		}
		return out
	case map[string]any:
		// The library's maps have lost the order: sorted.
		out := newDict(len(x))
		for _, k := range value.SortedKeys(x) {
			out.Set(k, fromJMESPath(x[k]))
		}
		return out
	}
	return normalize(v)
}
