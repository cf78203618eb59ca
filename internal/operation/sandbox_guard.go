package operation

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
)

// SandboxAddrAllowed refuses to serve the emulator, which accepts any
// request bearing its token, on a non-loopback address with a random token:
// a token printed once on a public interface is easy to miss.
func SandboxAddrAllowed(addr string, tokenGiven bool) error {
	if tokenGiven {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--addr %q is not host:port: %w", addr, err)}
	}
	if isLoopback(host) {
		return nil
	}
	return &UsageError{Err: fmt.Errorf("--addr %s is not a loopback address: the sandbox accepts anyone who has its token, so pass --token explicitly to serve it beyond this machine (or use --addr 127.0.0.1:PORT)", addr)}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sensitiveQueryKeys are query parameters whose values the request log
// masks (OAuth2 codes and tokens, passwords).
var sensitiveQueryKeys = []string{"token", "secret", "password", "code", "key", "assertion", "samlresponse", "samlrequest"}

// logPath is a request's path and query for the sandbox's request log,
// with the values of secret-looking query parameters masked.
func logPath(path, rawQuery string) string {
	if rawQuery == "" {
		return path
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return path + "?(unparsed query)"
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			if looksSecret(k) {
				parts = append(parts, url.QueryEscape(k)+"=(sensitive)")
			} else {
				parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
	}
	return path + "?" + strings.Join(parts, "&")
}

// looksSecret reports whether a key name suggests a secret value.
func looksSecret(key string) bool {
	k := strings.ToLower(key)
	for _, s := range sensitiveQueryKeys {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}
