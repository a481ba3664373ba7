Feature: Log in with single sign-on
  A company can have Microsoft 365 (Microsoft Entra ID) or Google Workspace verify its
  users. Such a user activates the account at the identity provider instead of choosing
  a CRM password; later, while still signed in there, the CRM asks for nothing, and when
  not, the provider's own pages ask. If single sign-on fails, the user is told to contact
  the company's IT support. The CRM checks every answer of the provider before it lets
  anyone in.

  @online @SSO-1 @SSO-2 @ACT-10
  Scenario Outline: A user of a <provider> company activates the account through <provider>
    Given Acme is a company that signs in with <provider>
    And Ann has a <provider> account at Acme and has been sent an activation email
    When Ann follows the "Activate now" link in the email
    Then Ann is asked for the email address and not for a new password
    When Ann enters the email address and continues
    Then the <provider> sign-in page asks Ann to sign in
    When Ann signs in at <provider>
    Then the CRM main screen opens for Ann

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @ACT-10 @SSO-7 @SEC-25 @needs-form-posts
  Scenario Outline: A user of a <provider> company cannot activate with a CRM password by sending the password form
    Given Ben is a user of a company that uses CRM passwords, who has filled in the form to create a password
    And Acme is a company that signs in with <provider>
    And Ann has a <provider> account at Acme and has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann's browser sends Ben's form instead, with Ann's own form token and a new password
    Then Ann is not signed in
    When Ann follows the "Activate now" link in the email
    Then Ann is asked for the email address and not for a new password

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-3
  Scenario Outline: While signed in at <provider>, logging in to the CRM asks for no credentials
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    When Ann logs in to the CRM with the email address
    Then the CRM main screen opens for Ann
    And <provider> did not ask Ann for credentials

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-4 @SSO-7
  Scenario Outline: The email address leads to <provider> however its domain is written
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And Ann's <provider> session has ended
    When Ann logs in to the CRM with the email address, its domain in capitals
    Then the <provider> sign-in page asks Ann to sign in

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SEC-35 @SEC-25 @SSO-2
  Scenario Outline: An invited user of a <provider> company cannot skip Activate now by logging in
    Given Acme is a company that signs in with <provider>
    And Ann has a <provider> account at Acme and has been sent an activation email
    When Ann logs in to the CRM with the email address
    And Ann signs in at <provider>
    Then Ann is told to contact the company's IT support
    And Ann is not signed in
    When Ann follows the "Activate now" link in the email
    And Ann enters the email address and continues
    Then the CRM main screen opens for Ann

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-4
  Scenario Outline: No longer signed in at <provider>, the user verifies at <provider>'s sign-in pages
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And Ann's <provider> session has ended
    When Ann logs in to the CRM with the email address
    Then the <provider> sign-in page asks Ann for the password
    When Ann signs in at <provider>
    Then the CRM main screen opens for Ann

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-5
  Scenario Outline: When <provider> reports an error, the user is sent to IT support and not signed in
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And <provider> will refuse Ann's next sign-in with access_denied
    When Ann logs in to the CRM with the email address
    Then Ann is told to contact the company's IT support
    And Ann is not signed in

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-5 @SEC-23
  Scenario Outline: A disabled user signing in with <provider> is sent to IT support and not signed in
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And Ada is an administrator
    And Ada has disabled Ann in the Users screen
    When Ann logs in to the CRM with the email address
    Then Ann is told to contact the company's IT support
    And Ann is not signed in

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-5
  Scenario Outline: When the user cancels at <provider>, the user is sent to IT support and not signed in
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And Ann's <provider> session has ended
    When Ann logs in to the CRM with the email address
    And Ann cancels at <provider>
    Then Ann is told to contact the company's IT support
    And Ann is not signed in

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-7
  Scenario Outline: A single sign-on user is not offered a CRM password
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And Ann's <provider> session has ended
    When Ann enters the email address on the CRM login screen
    Then the <provider> sign-in page asks Ann to sign in
    And the CRM never asked Ann for a password

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-6
  Scenario Outline: Activation is refused when <provider> signs in someone other than the invited user
    Given Acme is a company that signs in with <provider>
    And Ann has a <provider> account at Acme and has been sent an activation email
    And Ben has a <provider> account at Acme
    When Ann follows the "Activate now" link in the email
    And Ann enters the email address and continues
    And Ann signs in at <provider> as Ben
    Then Ann is told to contact the company's IT support
    And Ann is not signed in

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-6 @SEC-30
  Scenario Outline: An answer from <provider> is refused when its state <tampering>
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    When Ann's next answer from <provider> is held back on its way to the CRM
    And Ann logs in to the CRM with the email address
    And the held answer is delivered <tampering>
    Then the browser that got the answer is told to contact the company's IT support
    And Ann is not signed in

    Examples:
      | provider         | tampering                        |
      | Microsoft 365    | is missing                       |
      | Google Workspace | belongs to another browser       |

  @online @SEC-30
  Scenario Outline: A replayed answer from <provider> is refused
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    When Ann's next answer from <provider> is held back on its way to the CRM
    And Ann logs in to the CRM with the email address
    And the held answer is delivered as it is
    Then the CRM main screen opens for Ann
    When Ann selects Log out in the Personal settings menu
    And the held answer is delivered as it is
    Then Ann is told to contact the company's IT support
    And Ann is not signed in
    When the held answer is delivered again, with the cookies Ann's browser held before it
    Then Ann is told to contact the company's IT support
    And Ann is not signed in
    And the CRM asked <provider> to redeem the held answer's code only once

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SEC-31 @SEC-32
  Scenario Outline: The CRM uses PKCE with S256 and a nonce at <provider>, also where the provider insists on it
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And <provider> will refuse Ann's next sign-in unless it carries an S256 code challenge
    When Ann logs in to the CRM with the email address
    Then the CRM main screen opens for Ann
    And <provider> checked Ann's sign-in for an S256 code challenge and found one
    And the CRM's request to <provider> carried a S256 code challenge and a nonce
    And the CRM redeemed the code with the verifier of that challenge

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |

  @online @SSO-6
  Scenario Outline: A forged or mismatched ID token from <provider> is refused at sign-in: <misbehaviour>
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    And <provider> will answer Ann's next sign-in with <misbehaviour>
    When Ann logs in to the CRM with the email address
    Then Ann is told to contact the company's IT support
    And Ann is not signed in

    @SEC-32
    Examples: nonce
      | provider         | misbehaviour  |
      | Microsoft 365    | wrong_nonce   |
      | Google Workspace | missing_nonce |

    @SEC-33
    Examples: signature
      | provider         | misbehaviour     |
      | Microsoft 365    | alg_none         |
      | Microsoft 365    | hs256_public_key |
      | Microsoft 365    | embedded_jwk     |
      | Google Workspace | bad_signature    |
      | Google Workspace | unknown_kid      |

    @SEC-34
    Examples: claims
      | provider         | misbehaviour   |
      | Microsoft 365    | wrong_issuer   |
      | Microsoft 365    | not_yet_valid  |
      | Microsoft 365    | extra_audience |
      | Google Workspace | expired        |
      | Google Workspace | wrong_audience |

    @SEC-35
    Examples: identity
      | provider         | misbehaviour     |
      | Microsoft 365    | other_tenant     |
      | Microsoft 365    | other_subject    |
      | Google Workspace | other_domain     |
      | Google Workspace | other_subject    |
      | Google Workspace | email_unverified |
      | Google Workspace | no_hosted_domain |

  @online @SSO-6 @SSO-2
  Scenario Outline: Activation through <provider> is refused when the ID token is forged or mismatched: <misbehaviour>
    Given Acme is a company that signs in with <provider>
    And Ann has a <provider> account at Acme and has been sent an activation email
    And <provider> will answer Ann's next sign-in with <misbehaviour>
    When Ann follows the "Activate now" link in the email
    And Ann enters the email address and continues
    And Ann signs in at <provider>
    Then Ann is told to contact the company's IT support
    And Ann is not signed in
    When Ann follows the "Activate now" link in the email
    And Ann enters the email address and continues
    Then the CRM main screen opens for Ann

    @SEC-32
    Examples: nonce
      | provider         | misbehaviour  |
      | Microsoft 365    | missing_nonce |
      | Google Workspace | wrong_nonce   |

    @SEC-33
    Examples: signature
      | provider         | misbehaviour  |
      | Microsoft 365    | bad_signature |
      | Google Workspace | alg_none      |

    @SEC-34
    Examples: claims
      | provider         | misbehaviour   |
      | Microsoft 365    | wrong_issuer   |
      | Microsoft 365    | wrong_audience |
      | Microsoft 365    | expired        |
      | Google Workspace | wrong_issuer   |
      | Google Workspace | extra_audience |
      | Google Workspace | not_yet_valid  |

    @SEC-35
    Examples: identity
      | provider         | misbehaviour     |
      | Microsoft 365    | other_tenant     |
      | Google Workspace | other_domain     |
      | Google Workspace | email_unverified |
      | Google Workspace | no_hosted_domain |

  @online @SEC-36
  Scenario Outline: After logging out of the CRM, no new session starts without the user, even signed in at <provider>
    Given Ann, a single sign-on user of a company that signs in with <provider>, is signed in there but not in the CRM
    When Ann logs in to the CRM with the email address
    Then the CRM main screen opens for Ann
    When Ann selects Log out in the Personal settings menu
    And Ann opens the CRM again
    Then Ann is not signed in
    And the CRM has not asked <provider> to sign Ann in since the logout

    Examples:
      | provider         |
      | Microsoft 365    |
      | Google Workspace |
