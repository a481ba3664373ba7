Feature: Sessions
  A session lives on the server and is named by a long random id in a cookie the page's
  scripts cannot read; a new id comes with every sign-in; sessions end when idle, when
  too old, and at once when the user is disabled or loses a role.

  @online @onsite @SEC-18
  Scenario: The session cookie is HttpOnly, SameSite, for the whole site and this host only
    Given Ann has logged in to the CRM with the user ID and password
    Then every cookie the CRM set is HttpOnly, SameSite Lax or Strict, with Path / and no Domain
    And every cookie the CRM sent said so itself, whatever a browser would assume
    And the cookies are Secure when the CRM is served over HTTPS

  @online @onsite @SEC-19 @needs-storage-audit
  Scenario: The session id is long, random, carries no data, and the server keeps only its hash
    Given Ann has logged in to the CRM with the user ID and password
    And Ann is logged in to the CRM in a second browser
    Then the two browsers hold different session ids of at least 128 bits
    And the session ids reveal nothing about Ann
    And the target does not store Ann's session ids themselves

  @online @onsite @SEC-20
  Scenario: A planted session cookie never becomes a signed-in session
    Given Ann is an active user
    And someone has planted session cookies in Ann's browser before Ann logs in
    When Ann logs in with the user ID and password
    Then Ann's browser holds session ids other than the planted ones
    And the planted session ids open nothing of Ann's

  @onsite @SEC-22 @needs-clock-control
  Scenario: An idle session ends on the server
    Given Ann has logged in to the CRM with the user ID and password
    When the idle timeout passes but for a second
    Then Ann is still signed in
    When the idle timeout passes
    And another second passes
    Then Ann is not signed in

  @online @SEC-22 @needs-clock-control
  Scenario: A busy session still ends when it is too old
    Given Ann is logged in to the CRM
    When Ann keeps using the CRM, never idle for long, until the absolute timeout has passed
    Then Ann is not signed in

  @online @onsite @SEC-23
  Scenario: Disabling a user ends the user's session at the next request
    Given Ann is logged in to the CRM
    And Ada is an administrator
    When Ada disables Ann in the Users screen
    Then Ann is not signed in

  @online @onsite @SEC-23 @SEC-11
  Scenario: Removing the role that grants Settings and maintenance takes effect at the next request
    Given Ada is an administrator
    And Ben is an active user with the role User level 0
    And Ben is logged in to Settings and maintenance
    And Ada is logged in to Settings and maintenance
    When Ada changes Ben's role to Standard user
    And Ben opens the Users screen again
    Then Ben is shown the Settings and maintenance login instead of the Users screen

  @online @onsite @SEC-24
  Scenario: Signed-in and credential pages are not stored by the browser
    Given Ann is an active user
    When Ann opens the login screen
    Then the page was sent with Cache-Control no-store
    When Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann
    And the page was sent with Cache-Control no-store
    When Ann selects Log out in the Personal settings menu
    And Ann goes back in the browser
    Then the browser shows the login screen, not Ann's CRM

  @online @SEC-20
  Scenario: Single sign-on issues a new session id too; a planted one never signs in
    Given Ann, a single sign-on user of a company that signs in with Microsoft 365, is signed in there but not in the CRM
    And someone has planted session cookies in Ann's browser before Ann logs in
    When Ann logs in to the CRM with the email address
    Then Ann's browser holds session ids other than the planted ones
    And the planted session ids open nothing of Ann's

  @onsite @SEC-20
  Scenario: Accepting the Terms of Service amendment issues a new session id
    Given Ada is an administrator
    When Ada logs in to Settings and maintenance
    And Ada's cookies are noted while the amendment is shown
    And Ada selects Accept and OK
    Then Settings and maintenance opens for Ada
    And the cookies noted before the amendment do not open Ada's Users screen

  @online @onsite @SEC-11
  Scenario: Without a session, no signed-in page opens
    Given Ann is logged in to the CRM
    And Ann has opened the Service dashboard
    When the addresses Ann visited are opened in a browser that has not signed in
    Then each of them shows a login screen instead

  @online @onsite @SEC-25
  Scenario: Following the activation link grants no access before a password is set
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann opens the CRM again
    Then Ann is not signed in

  @online @SEC-25
  Scenario: A single sign-on activation still waiting at the provider grants no access
    Given Acme is a company that signs in with Microsoft 365
    And Ann has a Microsoft 365 account at Acme and has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann enters the email address and continues
    Then the Microsoft 365 sign-in page asks Ann to sign in
    When Ann opens the CRM again
    Then Ann is not signed in
