export { createStaffMail, type StaffMail, type StaffMailDeps } from './staff-mail.ts';
