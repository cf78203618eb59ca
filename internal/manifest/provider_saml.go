package manifest

import "fmt"

// TypeSAML is a SAML 2.0 identity provider for one service provider,
// served by authentik itself.
const TypeSAML = "saml"

// SAMLFields are the SAML provider's own fields, by authentik's API names.
// Key pairs and property mappings are referenced by name.
type SAMLFields struct {
	ACSURL   *string `yaml:"acs_url"`
	Audience *string `yaml:"audience"`
	// Issuer is the IdP's entity ID.
	Issuer         *string `yaml:"issuer"`
	SPBinding      *string `yaml:"sp_binding"`
	SigningKP      *string `yaml:"signing_kp"`
	VerificationKP *string `yaml:"verification_kp"`
	NameIDMapping  *string `yaml:"name_id_mapping"`
	// PropertyMappings are SAML property mappings, by name.
	PropertyMappings           []string `yaml:"property_mappings"`
	DigestAlgorithm            *string  `yaml:"digest_algorithm"`
	SignatureAlgorithm         *string  `yaml:"signature_algorithm"`
	AssertionValidNotBefore    *string  `yaml:"assertion_valid_not_before"`
	AssertionValidNotOnOrAfter *string  `yaml:"assertion_valid_not_on_or_after"`
	SessionValidNotOnOrAfter   *string  `yaml:"session_valid_not_on_or_after"`
	SignAssertion              *bool    `yaml:"sign_assertion"`
	SignResponse               *bool    `yaml:"sign_response"`
}

// Defaults authentik's SAML provider form pre-fills (web/src/admin/
// providers/saml/SAMLProviderFormForm.ts): POST binding, the self-signed key
// pair signing assertions, and (resolved at plan time, since it depends on
// the server) every managed SAML property mapping.
const DefaultSPBinding = "post"

var samlType = &ProviderType{
	Name:   TypeSAML,
	Label:  "SAML",
	Fields: []any{SAMLFields{}},
	Defaults: func(p *Provider) {
		defaultFlows(p, DefaultAuthorizationFlow, DefaultInvalidationFlow)
		if p.SPBinding == nil {
			p.SPBinding = ptr(DefaultSPBinding)
		}
		if p.SigningKP == nil && !p.Src.Has("signing_kp") {
			p.SigningKP = ptr(DefaultSigningKey)
		}
		// authentik refuses a signing key pair unless the same request
		// asks to sign the assertion or the response; the form ticks
		// "sign assertion".
		if p.SigningKP != nil && p.SignAssertion == nil && p.SignResponse == nil {
			p.SignAssertion = ptr(true)
		}
	},
	Validate: func(ds *Diagnostics, p *Provider) {
		if p.ACSURL == nil || *p.ACSURL == "" {
			ds.add(p.Src.Pos, fmt.Sprintf("provider %q: acs_url is required for a SAML provider (the service provider's assertion consumer service URL)", p.Name))
		} else {
			checkURL(ds, p.Src.At("acs_url"), "acs_url", *p.ACSURL)
		}
		checkEnum(ds, "sp_binding", p.SPBinding, p.Src)
		checkEnum(ds, "digest_algorithm", p.DigestAlgorithm, p.Src)
		checkEnum(ds, "signature_algorithm", p.SignatureAlgorithm, p.Src)
		checkDuration(ds, p, "assertion_valid_not_before", p.AssertionValidNotBefore)
		checkDuration(ds, p, "assertion_valid_not_on_or_after", p.AssertionValidNotOnOrAfter)
		checkDuration(ds, p, "session_valid_not_on_or_after", p.SessionValidNotOnOrAfter)
		if p.SigningKP != nil && *p.SigningKP != "" && p.SignAssertion != nil && !*p.SignAssertion && (p.SignResponse == nil || !*p.SignResponse) {
			ds.add(p.Src.At("sign_assertion"), fmt.Sprintf("provider %q: with a signing key pair, authentik needs sign_assertion or sign_response to be true", p.Name))
		}
		for j, name := range p.PropertyMappings {
			if name == "" {
				ds.add(p.Src.At(fmt.Sprintf("property_mappings[%d]", j)), fmt.Sprintf("provider %q: property mapping names cannot be empty", p.Name))
			}
		}
	},
}
