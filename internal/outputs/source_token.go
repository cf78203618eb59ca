package outputs

import (
	"fmt"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/plan"
)

// WriteSourceTokens writes every present SCIM source entry's outputs, what
// the system provisioning users into authentik needs: SCIM_URL (the
// source's SCIM base URL on authentik's public URL, <url>/source/scim/
// <slug>/v2, as the SCIM source serializer's get_root_url builds it) and
// SCIM_TOKEN (the key of the token authentik made for the source,
// ak-source-scim-<pk>: the scim app's signals.py, scim_source_post_save), read
// through key from live state read after apply. Files are confined, atomic
// and 0600, as a token's outputs are.
func WriteSourceTokens(m *manifest.Manifest, opts Options, live *plan.Live, key KeyFunc, stdout interface{ Write([]byte) (int, error) }, hook SecretHook) ([]Written, error) {
	if hook == nil {
		hook = func(bool, ...string) {}
	}
	var written []Written
	for _, e := range m.EntriesOf("source") {
		if e.Kind.Type != "scim" || e.State.IsAbsent() || len(e.Outputs) == 0 {
			continue
		}
		var pk string
		for _, o := range live.Objects["source"] {
			if o.Key == e.Key {
				pk = o.PK
			}
		}
		if pk == "" {
			return written, fmt.Errorf("%s: source %q, outputs: the source is not in authentik; run apply", e.Src.At("outputs"), e.Key)
		}
		k, err := key("ak-source-scim-" + pk)
		if err != nil {
			return written, err
		}
		hook(false, k)
		vars := []Var{
			{Key: "SCIM_URL", Value: strings.TrimSuffix(opts.PublicURL, "/") + "/source/scim/" + e.Key + "/v2"},
			{Key: "SCIM_TOKEN", Value: k, Secret: true},
		}
		w, err := writeEntryOutputs(e, opts, vars, "authentik-scim-"+dnsLabel(e.Key), "source", fmt.Sprintf("the SCIM URL and token of source %q", e.Key), stdout)
		written = append(written, w...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}
