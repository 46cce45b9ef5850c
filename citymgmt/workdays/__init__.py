"""The working-time calendar: office hours, public holidays and make-up days."""
