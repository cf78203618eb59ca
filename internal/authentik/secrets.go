package authentik

import "github.com/provision/provision/internal/plan"

// reportSecrets tells Config.OnSecret the client secrets a snapshot read.
func (c *Client) reportSecrets(live *plan.Live) {
	// One call for them all: each call rebuilds the redactor's replacer,
	// so one call per secret was quadratic (seconds at 2,500 providers).
	var secrets []string
	for _, p := range live.Providers {
		if d, ok := p.Detail.(*plan.OAuth2Detail); ok && d.ClientSecret != "" {
			secrets = append(secrets, d.ClientSecret)
		}
	}
	if len(secrets) > 0 {
		c.onSecret(secrets...)
	}
}
