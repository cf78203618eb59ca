package outputs

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// checkURL checks that value is an absolute http(s) URL with a host, no
// credentials and no spaces.
func checkURL(name, value string) error {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%s must be an absolute http(s) URL such as https://example.com/...", name)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not contain credentials", name)
	}
	if strings.ContainsFunc(value, unicode.IsSpace) {
		return fmt.Errorf("%s must not contain spaces: write them as %%20", name)
	}
	return nil
}

// checkURLNoQuery is checkURL without a query or fragment: a URL others
// append paths to.
func checkURLNoQuery(name, value string) error {
	if err := checkURL(name, value); err != nil {
		return err
	}
	if strings.ContainsAny(value, "?#") {
		return fmt.Errorf("%s must not have a query or fragment", name)
	}
	return nil
}

// checkBaseURL is checkURL for a URL paths are appended to: no query,
// fragment or trailing slash.
func checkBaseURL(name, value string) error {
	if err := checkURLNoQuery(name, value); err != nil {
		return err
	}
	if strings.HasSuffix(value, "/") {
		return fmt.Errorf("%s must not end with '/': the application appends its callback path to it", name)
	}
	return nil
}

// callbackOn is the redirect URI of a client that appends its callback
// path to its base URL; "" while that URL is missing or invalid.
func callbackOn(base, path string) string {
	if base == "" || checkBaseURL("url", base) != nil {
		return ""
	}
	return base + path
}

// baseURLProblems checks a preset's required base url: the missing
// problem (format and args) when there is none, the URL's own when invalid.
func baseURLProblems(base string, missing string, args ...any) []Problem {
	if base == "" {
		return []Problem{problem("", missing, args...)}
	}
	if err := checkBaseURL("url", base); err != nil {
		return []Problem{{Key: "url", Msg: err.Error()}}
	}
	return nil
}

func jsonValid(s string) bool { return json.Valid([]byte(s)) }

// jsonObject reports a JSON object: what Open WebUI keeps of a JSON
// setting that must be a dict (anything else is ignored with a warning).
func jsonObject(s string) bool {
	var m map[string]any
	return json.Unmarshal([]byte(s), &m) == nil && m != nil
}
