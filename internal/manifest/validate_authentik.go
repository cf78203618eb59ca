package manifest

import (
	"net/url"
	"strings"
)

// validateAuthentik checks the manifest-level authentik: settings.
func validateAuthentik(v *validation) {
	a := v.m.Authentik
	if a == nil || a.PublicURL == "" {
		return
	}
	u, err := url.Parse(a.PublicURL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		v.ds.add(a.Src.At("public_url"), "authentik.public_url must be an absolute http(s) URL such as https://auth.example.com")
	case u.User != nil:
		v.ds.add(a.Src.At("public_url"), "authentik.public_url must not contain credentials")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(a.PublicURL, "?#"):
		v.ds.add(a.Src.At("public_url"), "authentik.public_url must not have a query or fragment: issuer and endpoint paths are appended to it")
	}
}
