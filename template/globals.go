package template

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/gansible/gansible/value"
)

// global returns a global function or variable.
func (ev *evaluator) global(name string) (any, bool) {
	switch name {
	case "omit":
		return ev.eng.omit, true
	}
	fn, ok := globalFunctions[name]
	return fn, ok
}

var globalFunctions map[string]*function

func init() {
	globalFunctions = map[string]*function{}
	for name, fn := range map[string]func(ev *evaluator, a args) (any, error){
		"range":  globalRange,
		"lookup": func(ev *evaluator, a args) (any, error) { return ev.lookup(a, false) },
		"query":  func(ev *evaluator, a args) (any, error) { return ev.lookup(a, true) },
		"q":      func(ev *evaluator, a args) (any, error) { return ev.lookup(a, true) },
		"now":    globalNow,
		"dict":   globalDict,
		"namespace": func(ev *evaluator, a args) (any, error) {
			m, err := globalDict(ev, a)
			if err != nil {
				return nil, err
			}
			return &namespace{m.(*dict)}, nil
		},
		"cycler": globalCycler,
		"joiner": globalJoiner,
		"lipsum": func(*evaluator, args) (any, error) {
			// Jinja2's lipsum is random text: nothing to compare runs by.
			return nil, errors.New("lipsum is not supported by gansible (its text is random)")
		},
		"undef": func(_ *evaluator, a args) (any, error) {
			hint, _ := a.str(0, "hint", "")
			if hint == "" {
				hint = "Mandatory variable has not been overridden"
			}
			return &undefined{hint}, nil
		},
	} {
		name, fn := name, fn
		globalFunctions[name] = &function{name, func(ev *evaluator, pos []any, kw map[string]any) (any, error) {
			return fn(ev, args{name, pos, kw})
		}}
	}
}

// globalRange is Python's range(), as a list.
func globalRange(_ *evaluator, a args) (any, error) {
	var bounds []int
	for _, v := range a.pos {
		n, ok := integer(v)
		if _, isBig := v.(*big.Int); isBig {
			return nil, &limitError{fmt.Sprintf("value too large: range() of more than %d items (MemoryError)", maxListItems)}
		}
		if !ok {
			return nil, fmt.Errorf("range: '%s' object cannot be interpreted as an integer", pyType(v))
		}
		bounds = append(bounds, n)
	}
	start, stop, step := 0, 0, 1
	switch len(bounds) {
	case 1:
		stop = bounds[0]
	case 2:
		start, stop = bounds[0], bounds[1]
	case 3:
		start, stop, step = bounds[0], bounds[1], bounds[2]
	default:
		return nil, fmt.Errorf("range expected 1 to 3 arguments, got %d", len(bounds))
	}
	if step == 0 {
		return nil, fmt.Errorf("range() arg 3 must not be zero")
	}
	n := rangeLen(start, stop, step)
	if n > maxListItems {
		return nil, &limitError{fmt.Sprintf("value too large: range() of more than %d items (MemoryError)", maxListItems)}
	}
	out := make([]any, n)
	for i := range out {
		out[i] = start + i*step
	}
	return out, nil
}

// rangeLen is len(range(start, stop, step)), computed in uint64 so that
// spans near the int limits do not overflow; it saturates at maxListItems+1.
func rangeLen(start, stop, step int) int {
	var span, by uint64
	switch {
	case step > 0 && stop > start:
		span, by = uint64(stop)-uint64(start), uint64(step)
	case step < 0 && stop < start:
		span, by = uint64(start)-uint64(stop), uint64(-(step+1))+1
	default:
		return 0
	}
	n := (span-1)/by + 1
	if n > maxListItems {
		return maxListItems + 1
	}
	return int(n)
}

// globalNow is Ansible's now(utc=False, fmt=None).
func globalNow(ev *evaluator, a args) (any, error) {
	t := ev.eng.opts.Now()
	if a.boolean(0, "utc", false) {
		t = t.UTC()
	}
	if layout, ok := a.get(1, "fmt"); ok && layout != nil {
		return strftime(t, str(layout)), nil
	}
	// A datetime, as Python's datetime.now(): now().year, now() - x...
	return datetimeOf(t), nil
}

// globalDict is Python's dict(): keyword arguments in the order written.
func globalDict(ev *evaluator, a args) (any, error) {
	names := kwNames(ev, a.kw)
	out := newDict(len(a.kw))
	if len(a.pos) > 0 {
		switch x := a.pos[0].(type) {
		case *undefined:
			return nil, strict(x)
		case *dict:
			out = x.Copy()
		case []any:
			for _, pair := range x {
				kv, ok := asSeq(pair)
				if !ok || len(kv) != 2 {
					return nil, fmt.Errorf("dictionary update sequence element has wrong length")
				}
				out.Set(str(kv[0]), kv[1])
			}
		}
	}
	for _, k := range names {
		out.Set(k, a.kw[k])
	}
	return out, nil
}

// kwNames lists the keyword arguments kw of the call being made in the
// order written; sorted when called otherwise (through a filter's map()).
func kwNames(ev *evaluator, kw map[string]any) []string {
	if ev != nil && len(ev.kwOrder) == len(kw) {
		in := true
		for _, k := range ev.kwOrder {
			if _, ok := kw[k]; !ok {
				in = false
			}
		}
		if in {
			return append([]string(nil), ev.kwOrder...)
		}
	}
	return value.SortedKeys(kw)
}

// strftime formats t with Python's strftime directives.
func strftime(t time.Time, layout string) string {
	var sb strings.Builder
	for i := 0; i < len(layout); i++ {
		if layout[i] != '%' || i+1 == len(layout) {
			sb.WriteByte(layout[i])
			continue
		}
		i++
		switch layout[i] {
		case 'Y':
			fmt.Fprintf(&sb, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&sb, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&sb, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&sb, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&sb, "%02d", t.Hour())
		case 'I':
			fmt.Fprintf(&sb, "%02d", (t.Hour()+11)%12+1)
		case 'M':
			fmt.Fprintf(&sb, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&sb, "%02d", t.Second())
		case 'f':
			fmt.Fprintf(&sb, "%06d", t.Nanosecond()/1000)
		case 'p':
			sb.WriteString(t.Format("PM"))
		case 'a':
			sb.WriteString(t.Format("Mon"))
		case 'A':
			sb.WriteString(t.Format("Monday"))
		case 'b':
			sb.WriteString(t.Format("Jan"))
		case 'B':
			sb.WriteString(t.Format("January"))
		case 'j':
			fmt.Fprintf(&sb, "%03d", t.YearDay())
		case 'Z':
			sb.WriteString(t.Format("MST"))
		case 'z':
			sb.WriteString(t.Format("-0700"))
		case 's':
			fmt.Fprintf(&sb, "%d", t.Unix())
		case 'w':
			fmt.Fprintf(&sb, "%d", int(t.Weekday()))
		case '%':
			sb.WriteByte('%')
		default:
			sb.WriteByte('%')
			sb.WriteByte(layout[i])
		}
	}
	return sb.String()
}

// globalCycler is Jinja2's cycler(*items): next() returns the items in
// turn, current is the one next() returns next, reset() starts over.
func globalCycler(_ *evaluator, a args) (any, error) {
	items := a.pos
	if len(items) == 0 {
		return nil, fmt.Errorf("at least one item has to be provided")
	}
	ns := &namespace{value.DictOf("current", items[0])}
	pos := 0
	// The cycler's own state: set in place, the dict is the cycler's only.
	ns.attrs.Set("next", &function{"next", func(*evaluator, []any, map[string]any) (any, error) {
		v := items[pos]
		pos = (pos + 1) % len(items)
		ns.attrs.Set("current", items[pos])
		return v, nil
	}})
	ns.attrs.Set("reset", &function{"reset", func(*evaluator, []any, map[string]any) (any, error) {
		pos = 0
		ns.attrs.Set("current", items[0])
		return nil, nil
	}})
	return ns, nil
}

// globalJoiner is Jinja2's joiner(sep=', '): a function returning "" the
// first time it is called and sep after.
func globalJoiner(_ *evaluator, a args) (any, error) {
	sep, err := a.str(0, "sep", ", ")
	if err != nil {
		return nil, err
	}
	used := false
	return &function{"joiner", func(*evaluator, []any, map[string]any) (any, error) {
		if !used {
			used = true
			return "", nil
		}
		return sep, nil
	}}, nil
}

// IsGlobal reports whether name is one of the template globals (range,
// lookup, dict...), which a variable of that name would hide.
func IsGlobal(name string) bool {
	_, ok := globalFunctions[name]
	return ok
}
