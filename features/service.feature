Feature: Get to Service
  Service is opened from the navigator on the left of the CRM: select Service, then
  Log in, and the Service dashboard opens. Its Personal settings icon has Log out. The
  same user can be signed in to Service in several browsers at once.

  @online @onsite @SVC-1 @SVC-2
  Scenario: Service from the navigator, Log in to its dashboard, and Log out again
    Given Ann is logged in to the CRM
    When Ann selects Service in the navigator
    And Ann selects Log in
    Then the Service dashboard opens for Ann
    When Ann selects Log out in Service's Personal settings menu
    Then Ann is logged out of Service
    And Ann's Service dashboard address no longer opens the dashboard

  @online @onsite @SVC-3
  Scenario: The same user in Service from two browsers; logging out of one leaves the other
    Given Ann is logged in to the CRM
    And Ann is logged in to the CRM in a second browser
    When Ann opens the Service dashboard in the first browser
    And Ann opens the Service dashboard in the second browser
    And Ann selects Log out in Service's Personal settings menu in the second browser
    Then Ann's Service dashboard in the first browser still works
    And Ann is logged out of Service in the second browser

  @online @onsite @SVC-2 @SEC-21
  Scenario: Logging out of the CRM ends Service in that browser too
    Given Ann is logged in to the CRM
    When Ann opens the Service dashboard in the first browser
    And Ann opens the CRM again
    And Ann selects Log out in the Personal settings menu
    Then Ann's Service dashboard address no longer opens the dashboard
