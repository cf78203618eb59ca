// Package authentik is provision's only door to authentik's REST API: it
// reads live state into a plan.Live snapshot and executes plan changes,
// always through the generated client goauthentik.io/api/v3.
package authentik

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/clock"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/redact"
)

// Config says how to reach authentik.
type Config struct {
	// URL is authentik's base URL, e.g. https://auth.example.com; a trailing
	// /api/v3 is accepted too.
	URL string
	// Token is an API token (intent "api"). It is sent as a bearer token and
	// never appears in errors or logs.
	Token string
	// HTTPClient defaults to a client with Timeout, trusting the system's
	// CAs plus CAPEM, or any certificate with Insecure (tls.go).
	HTTPClient *http.Client
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// CAPEM is a PEM bundle of CAs to trust besides the system's.
	CAPEM []byte
	// Insecure skips TLS verification (AUTHENTIK_INSECURE).
	Insecure bool
	// UserAgent defaults to "provision".
	UserAgent string
	// RetryBackoff is the first wait before a retry, doubled after each
	// (a Retry-After answer overrides it). Zero means 200ms.
	RetryBackoff time.Duration
	// OnSecret, when set, is told every secret value a read returns (OAuth2
	// client secrets), so the caller can mask it in all output.
	OnSecret func(...string)
	// Clock is the time the client reads and waits on: retry waits, lock
	// leases, renewals and polls, and --wait's probes. Nil is the system's;
	// tests pass a fake (internal/clock).
	Clock clock.Clock
}

// Client talks to one authentik.
type Client struct {
	api     *api.APIClient
	baseURL string // scheme://host[/prefix], no trailing slash, without /api/v3
	http    *http.Client
	token   string
	// userAgent is sent with raw requests too (entries.go).
	userAgent string
	stats     *retryStats
	backoff   time.Duration
	clock     clock.Clock
	sleep     func(context.Context, time.Duration) error // between write attempts (clock.Sleep)
	// onSecret is Config.OnSecret (never nil).
	onSecret func(...string)
}

// New checks the configuration and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := normalizeURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, fmt.Errorf("no authentik API token: set AUTHENTIK_TOKEN or use --token-file")
	}
	hc, err := DefaultHTTPClient(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	backoff := cfg.RetryBackoff
	if backoff <= 0 {
		backoff = 200 * time.Millisecond
	}
	clk := cfg.Clock
	if clk == nil {
		clk = clock.System()
	}
	stats := &retryStats{}
	hc.Transport = &pageBodyTransport{next: newRetryTransport(newBoundTransport(hc.Transport), stats, backoff, clk.Sleep)}
	hc.CheckRedirect = keepTokenInOrigin
	ua := cfg.UserAgent
	if ua == "" {
		ua = "provision"
	}
	ac := api.NewConfiguration()
	ac.Servers = api.ServerConfigurations{{URL: base + "/api/v3"}}
	ac.HTTPClient = hc
	ac.UserAgent = ua
	ac.Debug = false // the generated client would dump the bearer token
	ac.AddDefaultHeader("Authorization", "Bearer "+strings.TrimSpace(cfg.Token))
	onSecret := cfg.OnSecret
	if onSecret == nil {
		onSecret = func(...string) {}
	}
	return &Client{api: api.NewAPIClient(ac), baseURL: base, http: hc, token: strings.TrimSpace(cfg.Token), userAgent: ua, onSecret: onSecret,
		stats: stats, backoff: backoff, clock: clk, sleep: clk.Sleep}, nil
}

// BaseURL is authentik's URL without /api/v3 and without a trailing slash.
func (c *Client) BaseURL() string { return c.baseURL }

func normalizeURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("no authentik URL: set AUTHENTIK_URL or use --url")
	}
	if strings.ContainsAny(raw, "@ ") {
		// Userinfo that does not parse could not be redacted: the value
		// is not echoed.
		if u, err := url.Parse(raw); err != nil || !strings.Contains(raw, "://") || u.Host == "" {
			return "", fmt.Errorf("authentik URL (AUTHENTIK_URL or --url) is not an absolute http(s) URL such as https://auth.example.com")
		}
	}
	if !strings.Contains(raw, "://") {
		return "", fmt.Errorf("authentik URL %q (AUTHENTIK_URL or --url) has no scheme: use https://%s, or http://%s for a local test instance", redact.URL(raw), redact.URL(raw), redact.URL(raw))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("authentik URL %q (AUTHENTIK_URL or --url) is not an absolute http(s) URL such as https://auth.example.com", redact.URL(raw))
	}
	// Userinfo is never sent (the token authenticates) and must never reach
	// an output such as OPENID_ISSUER or an error.
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	path := strings.TrimRight(u.Path, "/")
	path = strings.TrimSuffix(path, "/api/v3")
	u.Path = strings.TrimRight(path, "/")
	return u.String(), nil
}

// Me is the identity behind the token.
type Me struct {
	Username    string
	IsSuperuser bool
}

// Whoami reads the token's user: the cheapest authenticated probe.
func (c *Client) Whoami(ctx context.Context) (Me, error) {
	me, resp, err := c.api.CoreApi.CoreUsersMeRetrieve(ctx).Execute()
	if err != nil {
		return Me{}, c.wrap("read the token's user", resp, err)
	}
	return Me{Username: me.User.Username, IsSuperuser: me.User.IsSuperuser}, nil
}

// Version returns the server version (admin/version/).
func (c *Client) Version(ctx context.Context) (string, error) {
	v, resp, err := c.api.AdminApi.AdminVersionRetrieve(ctx).Execute()
	if err != nil {
		return "", c.wrap("read authentik's version", resp, err)
	}
	return v.VersionCurrent, nil
}

// TokenFields names the fields of p that would write this client's API
// token into authentik (see plan.FieldsContaining). The token itself stays
// inside the client.
func (c *Client) TokenFields(p *plan.Plan) []string { return p.FieldsContaining(c.token) }
