package outputs

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// checkURL checks an absolute http(s) URL with a host and no credentials.
func checkURL(name, value string) error {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%s must be an absolute http(s) URL such as https://example.com", name)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not contain credentials", name)
	}
	if strings.ContainsFunc(value, unicode.IsSpace) {
		return fmt.Errorf("%s must not contain spaces: write them as %%20", name)
	}
	return nil
}

// checkBaseURL is checkURL for a URL paths are appended to: no query,
// fragment or trailing slash.
func checkBaseURL(name, value string) error {
	if err := checkURL(name, value); err != nil {
		return err
	}
	if strings.ContainsAny(value, "?#") {
		return fmt.Errorf("%s must not have a query or fragment", name)
	}
	if strings.HasSuffix(value, "/") {
		return fmt.Errorf("%s must not end with '/': the application appends its callback path to it", name)
	}
	return nil
}

func jsonValid(s string) bool { return json.Valid([]byte(s)) }
