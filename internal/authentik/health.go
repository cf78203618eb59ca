package authentik

import (
	"context"
	"fmt"
	"time"
)

// OutpostInstance is one running instance of an outpost, as it last
// reported itself to authentik.
type OutpostInstance struct {
	Hostname        string
	Version         string
	VersionOutdated bool
	LastSeen        time.Time
}

// OutpostHealth lists the instances of the outpost with this uuid that
// have connected to authentik: none for one that was never deployed (or
// whose instances stopped long enough ago for authentik to forget them).
func (c *Client) OutpostHealth(ctx context.Context, uuid string) ([]OutpostInstance, error) {
	hs, resp, err := c.api.OutpostsApi.OutpostsInstancesHealthList(ctx, uuid).Execute()
	if err != nil {
		return nil, c.wrap("read the health of outpost "+uuid, resp, err)
	}
	out := make([]OutpostInstance, len(hs))
	for i, h := range hs {
		out[i] = OutpostInstance{Hostname: h.GetHostname(), Version: h.GetVersion(), VersionOutdated: h.GetVersionOutdated(), LastSeen: h.GetLastSeen()}
	}
	return out, nil
}

// SAMLMetadata returns the IdP metadata document authentik serves for the
// SAML provider with this pk ("" when the provider has no application:
// authentik builds the document from the application).
func (c *Client) SAMLMetadata(ctx context.Context, pk int32) (string, error) {
	m, resp, err := c.api.ProvidersApi.ProvidersSamlMetadataRetrieve(ctx, pk).Execute()
	if err != nil {
		return "", c.wrap("read the SAML metadata of provider", resp, err)
	}
	return m.GetMetadata(), nil
}

// OutpostToken returns the key of the API token authentik created for the
// outpost with this uuid (identifier ak-outpost-<uuid>-api): what its
// deployment sets as AUTHENTIK_TOKEN. The key is reported to OnSecret.
func (c *Client) OutpostToken(ctx context.Context, uuid string) (string, error) {
	v, resp, err := c.api.CoreApi.CoreTokensViewKeyRetrieve(ctx, "ak-outpost-"+uuid+"-api").Execute()
	if err != nil {
		return "", c.wrap("read the token of outpost "+uuid, resp, err)
	}
	c.onSecret(v.GetKey())
	return v.GetKey(), nil
}

// TokenKey reads the key of the token with this identifier (view_key/,
// authentik_core.view_token_key): apply does, for token outputs; a plan
// never does.
func (c *Client) TokenKey(ctx context.Context, identifier string) (string, error) {
	v, resp, err := c.api.CoreApi.CoreTokensViewKeyRetrieve(ctx, identifier).Execute()
	if err != nil {
		return "", c.wrap(fmt.Sprintf("read the key of token %q", identifier), resp, err)
	}
	c.onSecret(v.GetKey())
	return v.GetKey(), nil
}
