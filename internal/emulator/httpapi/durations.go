package httpapi

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Durations follow authentik/lib/utils/time.py (checked against
// version/2026.2.2): the string is split on ";", every part must split on
// "=" into exactly two, keys are lower-cased (not trimmed) and parts with an
// unknown key are skipped without parsing their value; the value is parsed
// with Python's float() after strip(). At least one known key is needed.
// The result goes through datetime.timedelta, which raises OverflowError
// (not caught by the validator, so a 500) on infinity or more than
// 999999999 days, and ValueError (a 400) on NaN.

var durationSeconds1 = map[string]float64{"microseconds": 1e-6, "milliseconds": 1e-3, "seconds": 1,
	"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}

// pyFloatRe is the syntax Python's float() accepts for a finite number
// (digits may be grouped with single underscores).
var pyFloatRe = regexp.MustCompile(`^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$`)

var pyNonFiniteRe = regexp.MustCompile(`(?i)^[+-]?(?:inf|infinity|nan)$`)

// pyFloat is Python's float(s) for an already stripped s.
func pyFloat(s string) (float64, bool) {
	if pyNonFiniteRe.MatchString(s) {
		low := strings.ToLower(strings.TrimLeft(s, "+-"))
		if strings.HasPrefix(low, "nan") {
			return math.NaN(), true
		}
		if strings.HasPrefix(s, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if !pyFloatRe.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

var (
	errDurationFormat   = errors.New("duration: bad format")
	errDurationOverflow = errors.New("duration: timedelta overflow")
)

// durationSeconds is timedelta_from_string(s).total_seconds().
func DurationSeconds(s string) (float64, error) {
	kwargs := map[string]float64{}
	for _, part := range strings.Split(s, ";") {
		kv := strings.Split(part, "=")
		if len(kv) != 2 {
			return 0, errDurationFormat
		}
		key := strings.ToLower(kv[0])
		mult, known := durationSeconds1[key]
		if !known {
			continue
		}
		v, ok := pyFloat(strings.TrimSpace(kv[1]))
		if !ok {
			return 0, errDurationFormat
		}
		kwargs[key] = v * mult
	}
	if len(kwargs) == 0 {
		return 0, errDurationFormat
	}
	total := 0.0
	for _, secs := range kwargs {
		if math.IsInf(secs, 0) {
			return 0, errDurationOverflow
		}
		if math.IsNaN(secs) {
			return 0, errDurationFormat
		}
		total += secs
	}
	if math.Abs(total/86400) > 999999999 {
		return 0, errDurationOverflow
	}
	return total, nil
}

// durationError is timedelta_string_validator: the 400 message, or crash
// when authentik raises an uncaught OverflowError.
func DurationError(s string) (msg string, crash bool) {
	switch _, err := DurationSeconds(s); {
	case errors.Is(err, errDurationOverflow):
		return "", true
	case err != nil:
		return fmt.Sprintf("%s is not in the correct format of 'hours=3;minutes=1'.", s), false
	}
	return "", false
}
