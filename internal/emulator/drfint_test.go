package emulator_test

import (
	"fmt"
	"testing"
)

// TestIntegerFieldTakesIntegralFloats follows DRF 3.16's
// IntegerField.to_internal_value, int(re_decimal.sub("", str(data))): a
// JSON float whose str() is "N.0" is an integer, one printed with a
// fraction or an exponent is not; strings go through the same steps.
func TestIntegerFieldTakesIntegralFloats(t *testing.T) {
	e := newUncheckedEnv(t)
	base := fmt.Sprintf(`"authorization_flow":%q,"invalidation_flow":%q`, e.flow("default-authentication-flow"), e.flow("default-invalidation-flow"))
	for i, tc := range []struct {
		value  string
		status int
		stored float64
		msg    string
	}{
		{`2000.0`, 201, 2000, ""},
		{`2e3`, 201, 2000, ""},
		{`"2000.00 "`, 201, 2000, ""},
		{`" 1_000 "`, 201, 1000, ""},
		{`2000.5`, 400, 0, "A valid integer is required."},
		{`1e16`, 400, 0, "A valid integer is required."},
		{`"2e3"`, 400, 0, "A valid integer is required."},
		{`true`, 400, 0, "A valid integer is required."},
		{`99999999999999999999`, 400, 0, "Ensure this value is less than or equal to 2147483647."},
	} {
		st, m := e.rawJSON("POST", "/api/v3/providers/ldap/", fmt.Sprintf(`{"name":"l%d",%s,"uid_start_number":%s}`, i, base, tc.value))
		if st != tc.status {
			t.Errorf("uid_start_number %s: %d %v, want %d", tc.value, st, m, tc.status)
			continue
		}
		if st == 201 && m["uid_start_number"] != tc.stored {
			t.Errorf("uid_start_number %s stored as %v, want %v", tc.value, m["uid_start_number"], tc.stored)
		}
		if st == 400 && fmt.Sprint(m["uid_start_number"]) != "["+tc.msg+"]" {
			t.Errorf("uid_start_number %s: %v, want %q", tc.value, m, tc.msg)
		}
	}
	// A binding's timeout (min 0): -0.0 is 0.
	app := e.app("a", 0)
	g := e.emu.AdminUserPK()
	st, m := e.rawJSON("POST", "/api/v3/policies/bindings/", fmt.Sprintf(`{"target":%q,"user":%d,"order":5.0,"timeout":-0.0}`, app.Pk, g))
	if st != 201 || m["order"] != float64(5) || m["timeout"] != float64(0) {
		t.Errorf("binding with order 5.0, timeout -0.0: %d %v", st, m)
	}
}
