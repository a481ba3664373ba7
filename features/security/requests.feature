Feature: Requests and headers
  Every state change needs a request the CRM itself prepared; nothing changes on GET;
  the address to return to after sign-in stays on the site; responses carry the
  security headers; and errors never show internals.

  @online @onsite @SEC-26
  Scenario: A form on another site cannot log Ann out
    Given Ann is logged in to the CRM
    When a page on another site makes Ann's browser post to the CRM's Log out address
    Then Ann is still signed in

  @online @onsite @SEC-26 @SEC-21 @needs-refusal-status
  Scenario: A same-site request without the CRM's token changes nothing, and neither does a GET
    Given Ann is logged in to the CRM
    Then the Log out option of Ann's Personal settings sends a POST
    When Ann's browser posts to the Log out address without the form's token
    Then the CRM refuses it with a 4xx status
    And Ann is still signed in
    When Ann's browser opens the Log out address with GET
    Then Ann is still signed in

  @online @onsite @SEC-26 @needs-refusal-status
  Scenario: A Log out the CRM prepared for one browser is refused in another
    Given Ann is logged in to the CRM
    And Ann is logged in to the CRM in a second browser
    When the second browser sends the Log out request Ann's first browser would have sent
    Then the CRM refuses it with a 4xx status
    And Ann is still signed in in the second browser

  @online @onsite @SEC-26 @needs-refusal-status
  Scenario: A sign-in the CRM prepared for one browser is refused in another (login CSRF)
    Given Ann is an active user
    When a browser of Ann's sends the sign-in another browser of Ann's was about to send
    Then the CRM refuses it with a 4xx status
    And Ann is not signed in

  @online @onsite @SEC-27 @needs-return-address
  Scenario Outline: After sign-in the CRM only returns to its own pages: <address>
    Given Ann is an active user
    When Ann is sent to the login screen with the return address "<address>"
    And Ann logs in on that screen
    Then Ann ends up on the CRM's own site
    When Ann, already signed in, is sent to the login screen with the return address "<address>"
    Then Ann ends up on the CRM's own site

    Examples:
      | address                |
      | //evil.test/steal      |
      | /\evil.test/steal      |
      | https://evil.test/     |
      | ///evil.test/steal     |
      | javascript:alert(1)    |

  @online @onsite @SEC-27 @needs-return-address @needs-form-posts
  Scenario Outline: The CRM checks the return address itself, also when the form brings another: <address>
    Given Ann is an active user
    When Ann is sent to the login screen with a return address of the CRM's own
    And Ann logs in on that screen, the form's return address changed on its way to "<address>"
    Then Ann ends up on the CRM's own site

    Examples:
      | address            |
      | //evil.test/steal  |
      | https://evil.test/ |

  @online @onsite @SEC-28
  Scenario: Responses carry the security headers and the login screen cannot be framed
    When Ann opens the login screen
    Then the page was sent with a Content-Security-Policy without inline script and with frame-ancestors
    And the page was sent with X-Content-Type-Options nosniff and a Referrer-Policy
    And the page was sent with Strict-Transport-Security when served over HTTPS
    And a page on another site cannot show the login screen in a frame

  @online @onsite @SEC-29 @needs-refusal-status
  Scenario Outline: Malformed input gets a generic error: <input>
    When the CRM receives <input>
    Then the answer is a 4xx with no stack trace, SQL or internal detail

    Examples: typed or opened
      | input                                     |
      | a user ID made of SQL                     |
      | a request to an address that is not there |

    @needs-form-posts
    Examples: altered on the way
      | input                                   |
      | a login form that is not UTF-8          |
      | a user ID with control characters       |
      | a form field sent twice                 |

  @online @SEC-29 @needs-refusal-status
  Scenario: A broken answer from an identity provider gets a generic error
    Given Ann, a single sign-on user of a company that signs in with Microsoft 365, is signed in there but not in the CRM
    When Ann's next answer from Microsoft 365 is held back on its way to the CRM
    And Ann logs in to the CRM with the email address
    And the held answer is delivered with its code garbled
    Then the browser that got the answer is told to contact the company's IT support
    And the answer is a 4xx with no stack trace, SQL or internal detail
