package httpapi

import (
	"encoding/json"
	"math"
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"
)

// drfReDecimal is IntegerField.re_decimal (DRF 3.16): a trailing ".0…"
// and whitespace, removed before int() so that 1.0 reads as 1.
var drfReDecimal = regexp.MustCompile(`\.0*\s*$`)

// drfInteger is DRF 3.16's IntegerField.to_internal_value:
// int(re_decimal.sub("", str(data))), after refusing strings over 1000
// characters. A JSON float is str()'d as Python prints it, so 2000.0 and
// 2e3 are 2000, while 2.5 and 1e16 ("1e+16") are not integers. msg is
// DRF's error message, "" on success.
func drfInteger(raw json.RawMessage) (n *big.Int, msg string) {
	const invalid = "A valid integer is required."
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, invalid
	}
	var s string
	switch x := v.(type) {
	case string:
		if utf8.RuneCountInString(x) > 1000 {
			return nil, "String value too large."
		}
		s = x
	case json.Number:
		lit := string(x)
		if !strings.ContainsAny(lit, ".eE") {
			s = lit // a Python int: str() is its digits
			break
		}
		f, err := x.Float64()
		// str(float) is fixed-point ("2000.0") below 1e16, else
		// scientific ("1e+16", "inf"), which int() refuses.
		if (err != nil && !math.IsInf(f, 0)) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) >= 1e16 {
			return nil, invalid
		}
		return big.NewInt(int64(f)), ""
	default:
		return nil, invalid // str() of a bool, list or dict is no integer
	}
	s = drfReDecimal.ReplaceAllString(s, "")
	if !PyIntOK(s) {
		return nil, invalid
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	n, ok := new(big.Int).SetString(strings.TrimPrefix(s, "+"), 10)
	if !ok {
		return nil, invalid
	}
	return n, ""
}

// PyIntOK reports whether Python's int(s) accepts s: surrounding
// whitespace, an optional sign, ASCII digits with single underscores
// between them. (int() also takes other Unicode digits; the emulator
// refuses them.)
func PyIntOK(s string) bool {
	s = strings.TrimFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\v' })
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	prevDigit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			prevDigit = true
		case c == '_' && prevDigit && i+1 < len(s):
			prevDigit = false
		default:
			return false
		}
	}
	return prevDigit
}
