package operation

import (
	"context"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/outputs"
)

// ShowOptions are show's.
type ShowOptions struct {
	Conn Conn
	Path string
	App  string
}

// Show reads what the client of one application needs, by its provider's
// type; a sensitive value is replaced by where to get it (provision env).
func Show(ctx context.Context, d Deps, o ShowOptions) (*manifest.Application, []outputs.Fact, error) {
	st, err := LoadApp(ctx, d, o.Conn, o.Path, "", o.App, ProviderReads)
	if err != nil {
		return nil, nil, err
	}
	facts, err := outputs.Facts(outputs.PublicURL(st.Manifest, st.Client.BaseURL()), st.Live, st.App.Slug)
	if err != nil {
		return nil, nil, err
	}
	for i := range facts {
		if facts[i].Sensitive {
			facts[i].Value = "(sensitive: provision env prints it)"
		}
	}
	return st.App, facts, nil
}
