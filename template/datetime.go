package template

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/value"
)

// pyObject is a Python object that is none of the plain value types: it
// prints, names its type and has attributes its own way.
type pyObject interface {
	pyStr() string
	pyRepr() string
	pyTypeName() string
	// pyAttr is an attribute or method, and whether there is one.
	pyAttr(name string) (any, bool)
}

// pyDatetime is a naive datetime.datetime (to_datetime's result): a wall
// clock time, kept as microseconds since 1970-01-01 00:00.
type pyDatetime struct{ us int64 }

// pyTimedelta is a datetime.timedelta, in microseconds.
type pyTimedelta struct{ us int64 }

func datetimeOf(t time.Time) pyDatetime {
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return pyDatetime{wall.UnixMicro()}
}

func (d pyDatetime) time() time.Time { return time.UnixMicro(d.us).UTC() }

func (d pyDatetime) isoformat(sep string) string {
	t := d.time()
	s := fmt.Sprintf("%04d-%02d-%02d%s%02d:%02d:%02d", t.Year(), int(t.Month()), t.Day(), sep, t.Hour(), t.Minute(), t.Second())
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

func (d pyDatetime) pyStr() string      { return d.isoformat(" ") }
func (d pyDatetime) pyTypeName() string { return "datetime" }

func (d pyDatetime) pyRepr() string {
	t := d.time()
	fields := []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1000}
	// Python leaves out a zero microsecond, then a zero second.
	n := len(fields)
	for n > 5 && fields[n-1] == 0 {
		n--
	}
	parts := make([]string, n)
	for i, f := range fields[:n] {
		parts[i] = strconv.Itoa(f)
	}
	return "datetime.datetime(" + strings.Join(parts, ", ") + ")"
}

func (d pyDatetime) pyAttr(name string) (any, bool) {
	t := d.time()
	switch name {
	case "year":
		return t.Year(), true
	case "month":
		return int(t.Month()), true
	case "day":
		return t.Day(), true
	case "hour":
		return t.Hour(), true
	case "minute":
		return t.Minute(), true
	case "second":
		return t.Second(), true
	case "microsecond":
		return t.Nanosecond() / 1000, true
	}
	var fn func(a args) (any, error)
	switch name {
	case "strftime":
		fn = func(a args) (any, error) {
			f, ok := a.at(0).(string)
			if !ok {
				return nil, fmt.Errorf("strftime() argument 1 must be str, not %s", pyType(a.at(0)))
			}
			return strftime(t, f), nil
		}
	case "isoformat":
		fn = func(a args) (any, error) { sep, _ := a.str(0, "sep", "T"); return d.isoformat(sep), nil }
	case "weekday":
		fn = func(args) (any, error) { return (int(t.Weekday()) + 6) % 7, nil }
	case "isoweekday":
		fn = func(args) (any, error) { return (int(t.Weekday())+6)%7 + 1, nil }
	case "timestamp":
		// A naive datetime is in the controller's local time.
		fn = func(args) (any, error) {
			local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.Local)
			return float64(local.UnixMicro()) / 1e6, nil
		}
	default:
		return nil, false
	}
	return &function{name, func(_ *evaluator, pos []any, kw map[string]any) (any, error) {
		return fn(args{name, pos, kw})
	}}, true
}

const usPerDay = 86400 * 1000000

// parts are the normalised days, seconds and microseconds.
func (d pyTimedelta) parts() (days, secs, us int64) {
	days = d.us / usPerDay
	rest := d.us % usPerDay
	if rest < 0 {
		days--
		rest += usPerDay
	}
	return days, rest / 1000000, rest % 1000000
}

func (d pyTimedelta) pyStr() string {
	days, secs, us := d.parts()
	s := fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	if days != 0 {
		plural := "s"
		if days == 1 || days == -1 {
			plural = ""
		}
		s = fmt.Sprintf("%d day%s, ", days, plural) + s
	}
	if us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s
}

func (d pyTimedelta) pyRepr() string {
	days, secs, us := d.parts()
	var parts []string
	if days != 0 {
		parts = append(parts, fmt.Sprintf("days=%d", days))
	}
	if secs != 0 {
		parts = append(parts, fmt.Sprintf("seconds=%d", secs))
	}
	if us != 0 {
		parts = append(parts, fmt.Sprintf("microseconds=%d", us))
	}
	if len(parts) == 0 {
		return "datetime.timedelta(0)"
	}
	return "datetime.timedelta(" + strings.Join(parts, ", ") + ")"
}

func (d pyTimedelta) pyTypeName() string { return "timedelta" }

func (d pyTimedelta) pyAttr(name string) (any, bool) {
	days, secs, us := d.parts()
	switch name {
	case "days":
		return int(days), true
	case "seconds":
		return int(secs), true
	case "microseconds":
		return int(us), true
	case "total_seconds":
		return &function{name, func(*evaluator, []any, map[string]any) (any, error) {
			return float64(d.us) / 1e6, nil
		}}, true
	}
	return nil, false
}

// timeArithmetic is +, - and * on datetimes and timedeltas; ok is false
// when neither operand is one.
func timeArithmetic(op string, a, b any) (v any, ok bool, err error) {
	da, aDate := a.(pyDatetime)
	db, bDate := b.(pyDatetime)
	ta, aDelta := a.(pyTimedelta)
	tb, bDelta := b.(pyTimedelta)
	if !aDate && !bDate && !aDelta && !bDelta {
		return nil, false, nil
	}
	switch {
	case op == "-" && aDate && bDate:
		return pyTimedelta{da.us - db.us}, true, nil
	case op == "-" && aDate && bDelta:
		return pyDatetime{da.us - tb.us}, true, nil
	case op == "+" && aDate && bDelta:
		return pyDatetime{da.us + tb.us}, true, nil
	case op == "+" && aDelta && bDate:
		return pyDatetime{db.us + ta.us}, true, nil
	case op == "+" && aDelta && bDelta:
		return pyTimedelta{ta.us + tb.us}, true, nil
	case op == "-" && aDelta && bDelta:
		return pyTimedelta{ta.us - tb.us}, true, nil
	case op == "*" && aDelta:
		if n, isInt := b.(int); isInt {
			return pyTimedelta{ta.us * int64(n)}, true, nil
		}
	case op == "*" && bDelta:
		if n, isInt := a.(int); isInt {
			return pyTimedelta{tb.us * int64(n)}, true, nil
		}
	}
	return nil, true, fmt.Errorf("unsupported operand type(s) for %s: '%s' and '%s'", op, pyType(a), pyType(b))
}

// compareTime orders two datetimes or two timedeltas.
func compareTime(a, b any) (int, bool) {
	switch x := a.(type) {
	case pyDatetime:
		if y, ok := b.(pyDatetime); ok {
			return compareInts64(x.us, y.us), true
		}
	case pyTimedelta:
		if y, ok := b.(pyTimedelta); ok {
			return compareInts64(x.us, y.us), true
		}
	}
	return 0, false
}

func compareInts64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// filterToDatetime is to_datetime(format="%Y-%m-%d %H:%M:%S"):
// datetime.strptime.
func filterToDatetime(_ *evaluator, in any, a args) (any, error) {
	s, ok := in.(string)
	if !ok {
		return nil, fmt.Errorf("strptime() argument 1 must be str, not %s", pyType(in))
	}
	format, _ := a.str(0, "format", "%Y-%m-%d %H:%M:%S")
	t, err := strptime(s, format)
	if err != nil {
		return nil, err
	}
	return datetimeOf(t), nil
}

// filterStrftime is strftime(second=None, utc=False): time.strftime of
// the given epoch time or now, in local time or UTC.
func filterStrftime(ev *evaluator, in any, a args) (any, error) {
	t := ev.eng.opts.Now()
	if sec, ok := a.get(0, "second"); ok && sec != nil {
		f, err := pyFloat(sec)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("Invalid value for epoch value (%s)", str(sec))
		}
		whole := math.Floor(f)
		t = time.Unix(int64(whole), 0)
	}
	if a.boolean(1, "utc", false) {
		t = t.UTC()
	} else {
		t = t.Local()
	}
	t = t.Truncate(time.Second)
	return strftime(t, str(in)), nil
}

// strptime is datetime.strptime for the usual directives.
func strptime(s, format string) (time.Time, error) {
	mismatch := valueError("time data %s does not match format %s", value.Quote(s), value.Quote(format))
	year, month, day, hour, minute, second, us := 1900, 1, 1, 0, 0, 0, 0
	pm, twelve := -1, false
	yday := 0
	i := 0
	num := func(maxLen int) (int, bool) {
		j := i
		for j < len(s) && j-i < maxLen && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == i {
			return 0, false
		}
		n, _ := strconv.Atoi(s[i:j])
		i = j
		return n, true
	}
	name := func(names []string) (int, bool) {
		for k, n := range names {
			if len(s)-i >= len(n) && strings.EqualFold(s[i:i+len(n)], n) {
				i += len(n)
				return k, true
			}
		}
		return 0, false
	}
	months := []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	shortMonths := []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	days := []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	shortDays := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	for f := 0; f < len(format); f++ {
		c := format[f]
		if c != '%' || f+1 == len(format) {
			if c == ' ' || c == '\t' || c == '\n' {
				// Whitespace in the format matches any run of it.
				for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
					i++
				}
				continue
			}
			if i >= len(s) || s[i] != c {
				return time.Time{}, mismatch
			}
			i++
			continue
		}
		f++
		ok := true
		switch format[f] {
		case 'Y':
			year, ok = num(4)
		case 'y':
			var y int
			if y, ok = num(2); ok {
				year = 1900 + y
				if y < 69 {
					year = 2000 + y
				}
			}
		case 'm':
			month, ok = num(2)
			ok = ok && month >= 1 && month <= 12
		case 'd':
			day, ok = num(2)
			ok = ok && day >= 1 && day <= 31
		case 'H':
			hour, ok = num(2)
			ok = ok && hour <= 23
		case 'I':
			hour, ok = num(2)
			ok, twelve = ok && hour >= 1 && hour <= 12, true
		case 'M':
			minute, ok = num(2)
			ok = ok && minute <= 59
		case 'S':
			second, ok = num(2)
			ok = ok && second <= 61
		case 'f':
			start := i
			if us, ok = num(6); ok {
				for k := i - start; k < 6; k++ {
					us *= 10
				}
			}
		case 'j':
			yday, ok = num(3)
			ok = ok && yday >= 1 && yday <= 366
		case 'p':
			pm, ok = name([]string{"am", "pm"})
		case 'B':
			var m int
			m, ok = name(months)
			month = m + 1
		case 'b', 'h':
			var m int
			m, ok = name(shortMonths)
			month = m + 1
		case 'A':
			_, ok = name(days)
		case 'a':
			_, ok = name(shortDays)
		case 'z', 'Z':
			return time.Time{}, fmt.Errorf("to_datetime with %%%c (a timezone-aware datetime) is not supported", format[f])
		case '%':
			ok = i < len(s) && s[i] == '%'
			i++
		default:
			return time.Time{}, valueError("'%c' is a bad directive in format %s", format[f], value.Quote(format))
		}
		if !ok {
			return time.Time{}, mismatch
		}
	}
	if i < len(s) {
		return time.Time{}, valueError("unconverted data remains: %s", s[i:])
	}
	if twelve {
		hour %= 12
		if pm == 1 {
			hour += 12
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, us*1000, time.UTC)
	if t.Day() != day {
		return time.Time{}, valueError("day is out of range for month")
	}
	if yday > 0 {
		t = time.Date(year, 1, 1, hour, minute, second, us*1000, time.UTC).AddDate(0, 0, yday-1)
	}
	return t, nil
}

func init() {
	filters["to_datetime"] = filterToDatetime
	filters["strftime"] = filterStrftime
}
