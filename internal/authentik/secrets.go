package authentik

import "github.com/provision/provision/internal/plan"

// reportSecrets tells Config.OnSecret the client secrets a snapshot read.
func (c *Client) reportSecrets(live *plan.Live) {
	for _, p := range live.Providers {
		if d, ok := p.Detail.(*plan.OAuth2Detail); ok && d.ClientSecret != "" {
			c.onSecret(d.ClientSecret)
		}
	}
}
