Feature: Log in to Settings and maintenance
  Settings and maintenance has a login screen of its own: user ID, password and OK.
  Only users whose role gives login rights for it, such as User level 0, get in.
  User IDs, passwords and user levels are defined in its Users screen, and it opens
  from the main menu of the CRM web client. Onsite, the first login shows an
  amendment to the Terms of Service that must be accepted, once.

  @online @onsite @SAM-1 @SAM-7
  Scenario: Settings and maintenance opens from the CRM's main menu, with a login of its own
    Given Ada is an administrator
    And Ada is logged in to the CRM
    When Ada opens Settings and maintenance from the main menu
    Then a login screen asks Ada for a user ID and password, with OK
    When Ada logs in there with the user ID and password
    Then Settings and maintenance opens for Ada

  @online @onsite @SAM-5
  Scenario Outline: Only roles with login rights get into Settings and maintenance
    Given Ann is an active user with the role <role>
    When Ann logs in to Settings and maintenance
    Then Ann <outcome>

    Examples:
      | role                              | outcome                                            |
      | User level 0                      | gets into Settings and maintenance                 |
      | Settings and maintenance operator | gets into Settings and maintenance                 |
      | Standard user                     | is refused at the Settings and maintenance login   |

  @online @onsite @SAM-5 @SEC-11
  Scenario: A user without login rights cannot open Settings and maintenance pages by their address
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    And Ada has opened the Add user form
    And Ada has opened the Users screen
    And Ben is logged in to the CRM
    When Ben opens the address of Ada's Users screen
    Then Ben is shown the Settings and maintenance login instead of the Users screen
    When Ben opens the address of Ada's Add user form
    Then Ben is shown the Settings and maintenance login instead of the Users screen

  @online @onsite @LOGIN-5
  Scenario: Settings and maintenance names the signed-in administrator, not the user at hand
    Given Ada is an administrator
    And Ben is an active user
    And Ada is logged in to Settings and maintenance
    When Ada opens Ben's Edit user form
    Then the screen names Ada as the signed-in user, not Ben

  @online @onsite @SEC-11
  Scenario: An administrator sees and manages only the users of the own company
    Given Ada is an administrator
    And Carl is an administrator of another company, where Bob is a user
    And Carl has opened Bob's Edit user form
    And Ada is logged in to Settings and maintenance
    When Ada opens the address of Carl's Edit user form
    Then Ada is not shown Bob's details
    And Ada's Users screen does not list Bob

  @online @onsite @SAM-6
  Scenario: The Users screen lists each user with user ID and user level
    Given Ada is an administrator
    And Ben is an active user with the role Standard user
    And Ada is logged in to Settings and maintenance
    When Ada has opened the Users screen
    Then the Users screen lists Ben with Ben's user ID and the role Standard user

  @onsite @SAM-6
  Scenario: Onsite, the administrator gives a new user a user name and a password
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada adds Ann with a user name and a password and the role Standard user
    And Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann

  @online @onsite @SAM-6 @SEC-29
  Scenario: Adding a user whose user ID is taken is refused clearly, without internal detail
    Given Ben is an active user
    And Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada tries to add Ann with Ben's user ID
    Then Ada is told that the user ID is already taken
    And the page shows no stack trace, SQL or internal detail

  @onsite @SEC-3 @SEC-4
  Scenario Outline: A password the administrator gives a new user follows the policy: <password>
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada tries to add Ann with a user name and the password <password>
    Then Ada is told the password is refused because <reason>
    And Ada's Users screen does not list Ann

    Examples:
      | password                     | reason                           |
      | "password1"                  | it is too weak                   |
      | one character too short      | it is too short                  |
      | built on Ann's name          | it is built on the name          |

  @onsite @SEC-3 @SEC-4 @PWD-5
  Scenario Outline: A password the administrator sets for a user follows the policy: <password>
    Given Ann is an active user
    And Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada tries to set the password <password> for Ann
    Then Ada is told the password is refused because <reason>
    And Ann can still log in with the old password

    Examples:
      | password                     | reason                           |
      | "password1"                  | it is too weak                   |
      | one character too short      | it is too short                  |
      | with a confirmation that differs | the passwords do not match   |

  @online @onsite @SAM-6 @SEC-13
  Scenario: The welcome email can be sent again until the user activates, and the newer link replaces the older
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada adds Ann as a user with the role Standard user
    Then an email with an "Activate now" link arrives for Ann
    When Ada sends Ann the welcome email again
    Then an email with an "Activate now" link arrives for Ann
    When Ann opens the "Activate now" link of the first email
    Then Ann is told that the link has already been used
    When Ann follows the "Activate now" link in the email
    And Ann creates the password and confirms it
    Then the CRM main screen opens for Ann
    And Ada's Users screen no longer offers to send Ann the welcome email again

  @online @onsite @SEC-10 @needs-clock-control
  Scenario: Welcome emails to one address are limited, until the limit's window has passed
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    When Ada adds Ann as a user with the role Standard user
    And Ada sends Ann the welcome email again until the limit is passed
    Then Ada is told that too many emails were sent to Ann's address
    When the email window passes but for a second
    And Ada logs in to Settings and maintenance again
    And Ada sends Ann the welcome email again
    Then Ada is told that too many emails were sent to Ann's address
    When another second passes
    And Ada sends Ann the welcome email again
    Then Ann receives, in all, one email more than the limit allows

  @onsite @SAM-6
  Scenario: When the activation email cannot be sent, the administrator is told and can send it again
    Given Ada is an administrator
    And Ada is logged in to Settings and maintenance
    And the mail server will refuse the next email to Ann
    When Ada adds Ann as a user with the role Standard user
    Then Ada is told that the activation email could not be sent
    And Ada's Users screen lists Ann as waiting for activation
    When Ada sends Ann the welcome email again
    Then an email with an "Activate now" link arrives for Ann

  @onsite @SAM-2
  Scenario: Onsite, the first login shows the Terms of Service amendment; Accept and OK continue
    Given Ada is an administrator
    When Ada logs in to Settings and maintenance
    Then Ada is shown the amendment to the Terms of Service
    When Ada selects Accept and OK
    Then Settings and maintenance opens for Ada

  @onsite @SAM-3
  Scenario: Onsite, the amendment is not shown again once accepted
    Given Ada is an administrator
    When Ada logs in to Settings and maintenance
    And Ada selects Accept and OK
    Then Settings and maintenance opens for Ada
    When Ada logs out of Settings and maintenance
    And Ada logs in to Settings and maintenance
    Then Settings and maintenance opens for Ada without the amendment

  @onsite @SAM-4 @SEC-25 @needs-form-posts
  Scenario: Before accepting the amendment, an administrator cannot add users by sending the form
    Given Bob is an administrator
    And Bob is logged in to Settings and maintenance
    And Bob has filled in the Add user form for Cid
    And Ada is an administrator
    When Ada logs in to Settings and maintenance
    And Ada's browser sends Bob's Add user form, with Ada's own form token, before accepting the amendment
    Then Bob's Users screen does not list Cid

  @onsite @SAM-4 @SEC-25
  Scenario: Onsite, a user who does not accept the amendment cannot continue
    Given Bob is an administrator
    And Bob is logged in to Settings and maintenance
    And Bob has opened the Users screen
    And Ada is an administrator
    When Ada logs in to Settings and maintenance
    And Ada selects OK without Accept
    Then Ada is asked to select Accept first
    And Ada is still shown the amendment to the Terms of Service
    When Ada opens the address of Bob's Users screen
    Then Ada is still shown the amendment to the Terms of Service
    When Ada cancels the amendment
    Then Ada is at the Settings and maintenance login
    When Ada opens the address of Bob's Users screen
    Then Ada is shown the Settings and maintenance login instead of the Users screen
