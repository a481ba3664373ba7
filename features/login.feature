Feature: Log in
  The CRM is web-based: people open it from a login screen with their user ID and a
  password known only to them and the system. Online, the user ID is the email
  address, asked for first; onsite, it is the user name the administrator assigned.

  @online @onsite @LOGIN-1
  Scenario: An active user logs in with user ID and password
    Given Ann is an active user
    When Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann

  @online @LOGIN-2
  Scenario: Online, the email address is the user ID, on one page or asked for before the password
    Given Ann is an active user
    When Ann opens the login screen
    And Ann enters the email address as the user ID
    Then the login screen asks for the password of Ann's email address
    When Ann enters the password and selects Log in
    Then the CRM main screen opens for Ann

  @onsite @LOGIN-3
  Scenario: Onsite, the user ID is the assigned user name, not the email address
    Given Ann is an active user
    When Ann logs in with the email address as user ID
    Then Ann is refused with the generic login message
    When Ann logs in with the assigned user name
    Then the CRM main screen opens for Ann

  @online @onsite @LOGIN-4
  Scenario: A wrong password is refused without saying what was wrong
    Given Ann is an active user
    When Ann logs in with a wrong password
    Then Ann is refused with the generic login message
    And Ann is not signed in

  @online @onsite @LOGIN-4
  Scenario: An unknown user ID is refused with the same message
    When Ann logs in with a user ID nobody has
    Then Ann is refused with the generic login message
    And Ann is not signed in

  @online @onsite @LOGIN-4
  Scenario: A disabled user is refused with the same message
    Given Ann is a user whose account is disabled
    When Ann logs in with the user ID and password
    Then Ann is refused with the generic login message
    And Ann is not signed in

  @online @onsite @LOGIN-5
  Scenario: Two people signed in at the same time each see only their own account
    Given Ann is an active user
    And Ben is an active user
    When Ann logs in with the user ID and password
    And Ben logs in with the user ID and password
    Then Ann's browser shows Ann's own name and user ID
    And Ben's browser shows Ben's own name and user ID

  @online @onsite @LOGIN-6
  Scenario: A user who has not activated the account cannot log in with a password
    Given Ann has been added as a user with a password on file but has not activated the account
    When Ann logs in with the user ID and password
    Then Ann is refused with the generic login message
    And Ann is not signed in
    When Ann logs in with the user ID and password
    Then Ann is refused with the generic login message

  @online @onsite @LOGIN-7 @HELP-1
  Scenario: The login screen offers help with login problems
    When Ann opens the login screen
    Then the login screen links to help for login problems
    When Ann follows the help link
    Then the help lists "cannot log in to the CRM online"
    And the help lists "newly created user cannot log in"
    And the help lists "password I have forgotten"

  @online @onsite @LOGIN-8 @SEC-21
  Scenario: Logging out ends the session for good
    Given Ann has logged in to the CRM with the user ID and password
    When Ann's session cookies are copied while Ann is signed in
    And Ann selects Log out in the Personal settings menu
    Then the login screen tells Ann that the session has ended
    When Ann goes back in the browser
    Then the browser shows the login screen, not Ann's CRM
    And the copied cookies no longer open Ann's CRM

  @online @onsite @LOGIN-9
  Scenario: A browser without a network connection is told so on the login screen
    Given Ann is an active user
    When Ann opens the login screen
    And Ann's browser loses its network connection
    Then the login screen tells Ann that there is no internet connection
    When Ann tries to log in
    Then Ann is still on the login screen
    When Ann's browser is connected again
    Then the login screen no longer warns Ann about the connection
