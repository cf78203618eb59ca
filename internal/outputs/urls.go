package outputs

import (
	"github.com/provision/provision/internal/librechat"

	"encoding/json"
	"fmt"
	"strings"
)

// checkURL checks an absolute http(s) URL with a host, no credentials and
// no spaces (the same rule as LibreChat's own values).
func checkURL(name, value string) error { return librechat.CheckURL(name, value) }

// checkBaseURL is checkURL for a URL paths are appended to: no query,
// fragment or trailing slash.
func checkBaseURL(name, value string) error {
	if err := librechat.CheckBaseURL(name, value); err != nil {
		return err
	}
	if strings.HasSuffix(value, "/") {
		return fmt.Errorf("%s must not end with '/': the application appends its callback path to it", name)
	}
	return nil
}

func jsonValid(s string) bool { return json.Valid([]byte(s)) }
